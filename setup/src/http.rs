//! A small Twilio REST client: basic auth, retries with backoff, pagination,
//! and errors that say what went wrong without ever carrying a secret.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::Value;

/// Credentials for Twilio's basic auth; `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credentials {
    /// Account SID (`AC…`) or API key SID (`SK…`).
    pub username: String,
    /// Auth token or API key secret.
    secret: String,
}

impl Credentials {
    /// Builds credentials from a user name and a secret.
    pub fn new(username: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials {
            username: username.into(),
            secret: secret.into(),
        }
    }

    /// The secret, for redacting it out of anything printed.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    fn header(&self) -> String {
        use base64::Engine;
        let raw = format!("{}:{}", self.username, self.secret);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// How hard to retry throttled or failing requests.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub base_delay: Duration,
    /// Longest single wait, including a server's Retry-After.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// A string field of an API answer, empty when absent.
pub(crate) fn str_of(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// The `sid` of an API answer; a missing one is a bad response of `what`.
pub(crate) fn sid_of(v: &Value, what: &str) -> Result<String, ApiError> {
    match v.get("sid").and_then(Value::as_str) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(ApiError::new(what, ErrorKind::BadResponse, "no 'sid' in the answer")),
    }
}

/// A failed API call: what was being done, how it failed, and Twilio's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What the tool was doing, e.g. "updating workflow WW…".
    pub what: String,
    /// How it failed.
    pub kind: ErrorKind,
    /// Twilio's error code and message, or the transport error; never a secret.
    pub detail: String,
}

/// How an API call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the credentials were refused.
    Unauthorized,
    /// 403: the credentials may not do this.
    Forbidden,
    /// 404: the resource does not exist (wrong SID, or wrong account).
    NotFound,
    /// Any other non-success status, after retries where they apply.
    Status(u16),
    /// The server could not be reached, after retries.
    Transport,
    /// The server answered with something that is not the JSON we expect.
    BadResponse,
}

impl ApiError {
    /// Builds an error.
    pub fn new(what: impl Into<String>, kind: ErrorKind, detail: impl Into<String>) -> Self {
        ApiError {
            what: what.into(),
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ApiError { what, kind, detail } = self;
        match kind {
            ErrorKind::Unauthorized => write!(
                f,
                "{what}: 401 Unauthorized: Twilio refused the credentials ({detail}). Check TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY with TWILIO_API_SECRET"
            ),
            ErrorKind::Forbidden => write!(
                f,
                "{what}: 403 Forbidden: these credentials may not do this ({detail}). An API key needs a role that can read and write TaskRouter and read Flex"
            ),
            ErrorKind::NotFound => write!(f, "{what}: 404 Not Found ({detail}). Check the SID, and that it belongs to this account"),
            ErrorKind::Status(status) => write!(f, "{what}: HTTP {status} ({detail})"),
            ErrorKind::Transport => write!(f, "{what}: could not reach the server ({detail})"),
            ErrorKind::BadResponse => write!(f, "{what}: unexpected response ({detail})"),
        }
    }
}

impl std::error::Error for ApiError {}

/// Where progress notes (retries) go; the CLI sends them to stderr.
pub type NoteSink<'a> = &'a dyn Fn(&str);

/// One API host (TaskRouter or Flex) with its credentials.
pub struct Client<'a> {
    base: String,
    creds: Credentials,
    retry: RetryPolicy,
    agent: ureq::Agent,
    note: NoteSink<'a>,
}

/// A multipart upload: text fields, then one file.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The file's field name.
    pub file_field: String,
    /// The file name sent with it.
    pub file_name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its bytes, sent as they are.
    pub content: Vec<u8>,
}

/// What a request carries.
enum Body<'b> {
    /// A form (`application/x-www-form-urlencoded`), empty for a GET.
    Form(&'b [(&'b str, String)]),
    /// A JSON document, as text.
    Json(&'b str),
    /// A multipart form with a file.
    Multipart(&'b Upload),
}

/// A raw response: status and body text.
struct Raw {
    status: u16,
    body: String,
    retry_after: Option<Duration>,
}

impl<'a> Client<'a> {
    /// Makes a client for `base` (scheme and host, e.g. `https://taskrouter.twilio.com`).
    pub fn new(base: &str, creds: Credentials, retry: RetryPolicy, note: NoteSink<'a>) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(concat!("multi-call-setup/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            base: base.trim_end_matches('/').to_string(),
            creds,
            retry,
            agent,
            note,
        }
    }

    /// Turns a path or a full URL (as in `meta.next_page_url`) into a URL on
    /// this client's base, so credentials only ever go to the configured host.
    fn url(&self, path_or_url: &str) -> String {
        let path = match path_or_url.find("://") {
            Some(i) => {
                let rest = &path_or_url[i + 3..];
                rest.find('/').map_or("/", |j| &rest[j..])
            }
            None => path_or_url,
        };
        format!("{}{}", self.base, path)
    }

    fn once(&self, method: &str, url: &str, body: &Body<'_>) -> Result<Raw, String> {
        let auth = self.creds.header();
        let result = match (method, body) {
            ("POST", Body::Json(value)) => self
                .agent
                .post(url)
                .header("Authorization", &auth)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .send(*value),
            ("POST", Body::Multipart(upload)) => {
                let mut form = ureq::unversioned::multipart::Form::new();
                for (k, v) in &upload.fields {
                    form = form.text(k, v);
                }
                let part = ureq::unversioned::multipart::Part::bytes(&upload.content)
                    .file_name(&upload.file_name)
                    .mime_str(&upload.content_type)
                    .map_err(|e| e.to_string())?;
                self.agent
                    .post(url)
                    .header("Authorization", &auth)
                    .header("Accept", "application/json")
                    .send(form.part(&upload.file_field, part))
            }
            ("POST", Body::Form(form)) => self
                .agent
                .post(url)
                .header("Authorization", &auth)
                .header("Accept", "application/json")
                .send_form(form.iter().map(|(k, v)| (*k, v.as_str()))),
            _ => self
                .agent
                .get(url)
                .header("Authorization", &auth)
                .header("Accept", "application/json")
                .call(),
        };
        let mut resp = result.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, SystemTime::now()));
        let body = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok(Raw {
            status,
            body,
            retry_after,
        })
    }

    /// Sends one request, retrying 429, 5xx and connection failures with
    /// exponential backoff. Every update this tool sends sets absolute
    /// values, so repeating one is safe; a repeated create (deploy, release)
    /// at worst leaves an unused Asset, Build or Configuration behind.
    fn send(
        &self,
        what: &str,
        method: &str,
        path: &str,
        body: Body<'_>,
    ) -> Result<Value, ApiError> {
        let text = self.send_text(what, method, path, body)?;
        serde_json::from_str(&text).map_err(|e| {
            ApiError::new(
                what,
                ErrorKind::BadResponse,
                format!("body is not JSON: {e}"),
            )
        })
    }

    /// As [`Client::send`], but returns a successful response's body as text.
    fn send_text(
        &self,
        what: &str,
        method: &str,
        path: &str,
        body: Body<'_>,
    ) -> Result<String, ApiError> {
        let url = self.url(path);
        let mut delay = self.retry.base_delay;
        let mut attempt = 1;
        loop {
            let outcome = self.once(method, &url, &body);
            let retryable = match &outcome {
                Ok(raw) => raw.status == 429 || raw.status >= 500,
                Err(_) => true,
            };
            if retryable && attempt < self.retry.attempts {
                let server_wait = outcome.as_ref().ok().and_then(|r| r.retry_after);
                let wait = server_wait.unwrap_or(delay).min(self.retry.max_delay);
                let why = match &outcome {
                    Ok(raw) => format!("HTTP {}", raw.status),
                    Err(e) => self.redact(e),
                };
                (self.note)(&format!(
                    "note: {what}: {why}; retrying in {} ms (attempt {} of {})",
                    wait.as_millis(),
                    attempt + 1,
                    self.retry.attempts
                ));
                std::thread::sleep(wait);
                delay = (delay * 2).min(self.retry.max_delay);
                attempt += 1;
                continue;
            }
            let raw =
                outcome.map_err(|e| ApiError::new(what, ErrorKind::Transport, self.redact(&e)))?;
            let kind = match raw.status {
                200..=299 => return Ok(raw.body),
                401 => ErrorKind::Unauthorized,
                403 => ErrorKind::Forbidden,
                404 => ErrorKind::NotFound,
                status => ErrorKind::Status(status),
            };
            return Err(ApiError::new(
                what,
                kind,
                self.redact(&twilio_message(&raw.body)),
            ));
        }
    }

    /// Removes the secret from text that came back from the network or a library.
    fn redact(&self, text: &str) -> String {
        redact(text, &self.creds)
    }

    /// GETs one resource.
    pub fn get(&self, what: &str, path: &str) -> Result<Value, ApiError> {
        self.send(what, "GET", path, Body::Form(&[]))
    }

    /// POSTs a form (Twilio's update verb) and returns the updated resource.
    pub fn post(&self, what: &str, path: &str, form: &[(&str, String)]) -> Result<Value, ApiError> {
        self.send(what, "POST", path, Body::Form(form))
    }

    /// GETs one resource and returns its body as the text sent, for
    /// writing back byte for byte what is not edited.
    pub fn get_text(&self, what: &str, path: &str) -> Result<String, ApiError> {
        self.send_text(what, "GET", path, Body::Form(&[]))
    }

    /// POSTs a JSON body (the Flex Configuration takes JSON) and returns the updated resource.
    pub fn post_json(&self, what: &str, path: &str, body: &Value) -> Result<Value, ApiError> {
        self.send(what, "POST", path, Body::Json(&body.to_string()))
    }

    /// POSTs JSON text as it is and returns the updated resource.
    pub fn post_json_text(&self, what: &str, path: &str, body: &str) -> Result<Value, ApiError> {
        self.send(what, "POST", path, Body::Json(body))
    }

    /// POSTs a multipart form with one file (a Serverless Asset Version upload).
    pub fn post_multipart(&self, what: &str, path: &str, upload: &Upload) -> Result<Value, ApiError> {
        self.send(what, "POST", path, Body::Multipart(upload))
    }

    /// The scheme and host this client sends to.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// GETs every page of a list, following `meta.next_page_url`, and returns the items under `key`.
    pub fn list(&self, what: &str, path: &str, key: &str) -> Result<Vec<Value>, ApiError> {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        let mut pages = 0;
        while let Some(page_path) = next.take() {
            pages += 1;
            if pages > 10_000 {
                return Err(ApiError::new(
                    what,
                    ErrorKind::BadResponse,
                    "more than 10000 pages; the server keeps sending next_page_url",
                ));
            }
            let page = self.get(what, &page_path)?;
            let Some(list) = page.get(key).and_then(Value::as_array) else {
                return Err(ApiError::new(
                    what,
                    ErrorKind::BadResponse,
                    format!("no '{key}' list in the page"),
                ));
            };
            items.extend(list.iter().cloned());
            next = page
                .pointer("/meta/next_page_url")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        }
        Ok(items)
    }
}

/// GETs a public URL without credentials (they never leave for another host)
/// and returns the status and the body's bytes; for checking a bundle is served.
pub fn get_public(url: &str) -> Result<(u16, Vec<u8>), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .user_agent(concat!("multi-call-setup/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut resp = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    Ok((status, body))
}

/// Reads a `Retry-After` value: seconds, or an HTTP date (RFC 9110), as a wait from `now`.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Replaces every occurrence of the secret (and the encoded auth header) with a marker.
pub fn redact(text: &str, creds: &Credentials) -> String {
    let mut out = text.to_string();
    // Even a short secret is hidden: a garbled line is better than a leaked token.
    if !creds.secret.is_empty() {
        out = out.replace(&creds.secret, "<redacted>");
    }
    let header = creds.header();
    let encoded = header.trim_start_matches("Basic ");
    out.replace(encoded, "<redacted>")
}

/// Pulls Twilio's error message (`{"code":…,"message":…}`) out of a body, or a short excerpt.
fn twilio_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        let message = v.get("message").and_then(Value::as_str);
        let code = v.get("code").and_then(Value::as_i64);
        match (message, code) {
            (Some(m), Some(c)) => return format!("Twilio error {c}: {m}"),
            (Some(m), None) => return m.to_string(),
            _ => {}
        }
    }
    let excerpt: String = body.chars().take(200).collect();
    if excerpt.trim().is_empty() {
        "empty body".into()
    } else {
        excerpt
    }
}

/// Percent-encodes a query-string value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_page_urls_stay_on_the_configured_host() {
        let c = Client::new(
            "http://127.0.0.1:9/",
            Credentials::new("AC1", "s3cret"),
            RetryPolicy::default(),
            &|_| {},
        );
        assert_eq!(
            c.url("https://evil.example/v1/Workspaces?Page=1"),
            "http://127.0.0.1:9/v1/Workspaces?Page=1"
        );
        assert_eq!(c.url("/v1/Workspaces"), "http://127.0.0.1:9/v1/Workspaces");
    }

    #[test]
    fn a_short_secret_is_redacted_too() {
        let creds = Credentials::new("AC1", "abc");
        assert_eq!(redact("x abc y", &creds), "x <redacted> y");
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        use std::time::{Duration, UNIX_EPOCH};
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_477); // Wed, 21 Oct 2015 07:27:57 GMT
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO), "a date past is no wait");
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn debug_and_redact_hide_the_secret() {
        let creds = Credentials::new("AC1", "s3cret-token");
        assert!(!format!("{creds:?}").contains("s3cret"));
        assert_eq!(redact("token=s3cret-token", &creds), "token=<redacted>");
    }
}
