//! A small stateful fake of the TaskRouter and Flex APIs on loopback, and a
//! helper that runs the tool against it in-process.
//!
//! It keeps workers, channels, workflows, queues and the Flex configuration in
//! memory, pages lists (small pages, so pagination is always exercised), can
//! be told to fail the next requests with a status, and logs every request.
#![allow(dead_code)]

pub mod flex_plugins;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::{json, Value};

/// Account SID the fake expects.
pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
/// Auth token the fake expects; tests check it never appears in output.
pub const TOKEN: &str = "tok-9f8e7d6c5b4a-never-print-me";

/// Builds a Twilio-shaped SID: two letters and 32 hex digits.
pub fn sid(prefix: &str, n: u32) -> String {
    format!("{prefix}{n:032x}")
}

/// The workspace every fake serves.
pub fn ws() -> String {
    sid("WS", 1)
}

/// A worker in the fake.
#[derive(Clone, Debug)]
pub struct FakeWorker {
    /// `WK…`.
    pub sid: String,
    /// Name.
    pub name: String,
    /// Voice capacity, or no voice channel.
    pub voice: Option<i64>,
    /// Whether the voice channel is available (an admin can switch a channel off).
    pub voice_available: bool,
}

/// A queue in the fake.
#[derive(Clone, Debug)]
pub struct FakeQueue {
    /// `WQ…`.
    pub sid: String,
    /// Name.
    pub name: String,
    /// Member worker SIDs.
    pub members: Vec<String>,
}

/// One logged request.
#[derive(Clone, Debug)]
pub struct Logged {
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Body.
    pub body: String,
    /// The Authorization header.
    pub auth: String,
}

/// The fake's data.
#[derive(Debug, Default)]
pub struct Data {
    /// Workers.
    pub workers: Vec<FakeWorker>,
    /// Workflows: SID, name, configuration.
    pub workflows: Vec<(String, String, String)>,
    /// Queues.
    pub queues: Vec<FakeQueue>,
    /// Flex configuration resource.
    pub flex: Value,
    /// Items per page.
    pub page_size: usize,
    /// Statuses to answer the next requests with, before serving normally.
    pub fail_next: VecDeque<u16>,
    /// A status for every request whose path starts with the prefix.
    pub fail_path: Option<(String, u16)>,
    /// Every request seen.
    pub log: Vec<Logged>,
    /// Serverless and PluginService resources (see `flex_plugins`).
    pub plugins: flex_plugins::PluginData,
    /// The Flex configuration as text, served instead of `flex` until it is
    /// written (to see that what the tool does not edit comes back byte for byte).
    pub flex_text: Option<String>,
}

/// A running fake.
pub struct Fake {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The Serverless upload host: `http://127.0.0.1:OTHER_PORT`.
    pub upload_base: String,
    /// Shared data.
    pub data: Arc<Mutex<Data>>,
}

/// A workflow configuration in the shape Flex creates, plus a second filter with an OR.
pub fn standard_config() -> String {
    json!({
        "task_routing": {
            "filters": [
                {
                    "filter_friendly_name": "Sales",
                    "expression": "type == \"sales\"",
                    "targets": [
                        { "queue": sid("WQ", 1), "expression": "routing.skills HAS 'sales' OR worker.lead == true", "timeout": 60 },
                        { "queue": sid("WQ", 2) }
                    ]
                },
                {
                    "filter_friendly_name": "Transfer to agent",
                    "expression": "transferTargetType == \"worker\"",
                    "targets": [{ "queue": sid("WQ", 2), "expression": "task.targetSid == worker.sid" }]
                }
            ],
            "default_filter": { "queue": sid("WQ", 2) }
        }
    })
    .to_string()
}

/// A Flex configuration with multi-call on in standby mode.
pub fn flex_standby() -> Value {
    json!({
        "account_sid": ACCOUNT,
        "ui_version": "2.9.1",
        "ui_attributes": {
            "custom_data": { "features": { "multi_call": { "enabled": true, "mode": "standby" } } },
            "sdkOptions": { "voice": { "allowIncomingWhileBusy": false } }
        },
        "url": "https://flex-api.twilio.com/v1/Configuration"
    })
}

/// Five workers (one without voice), two workflows, two queues.
pub fn standard_data() -> Data {
    let workers: Vec<FakeWorker> = (1..=5)
        .map(|n| FakeWorker {
            sid: sid("WK", n),
            name: format!("agent{n}"),
            voice: if n == 5 { Some(2) } else { Some(1) },
            voice_available: true,
        })
        .collect();
    Data {
        queues: vec![
            FakeQueue { sid: sid("WQ", 1), name: "Sales".into(), members: vec![sid("WK", 1), sid("WK", 2)] },
            FakeQueue { sid: sid("WQ", 2), name: "Everyone".into(), members: workers.iter().map(|w| w.sid.clone()).collect() },
        ],
        workers,
        workflows: vec![
            (sid("WW", 1), "Assign to Anyone".into(), standard_config()),
            (
                sid("WW", 2),
                "Already fine".into(),
                json!({"task_routing": {"filters": [{"filter_friendly_name": "All", "expression": "1==1", "targets": [{"queue": sid("WQ", 1), "expression": "worker.channel.voice.available_capacity_percentage == 100"}]}]}}).to_string(),
            ),
        ],
        flex: flex_standby(),
        page_size: 2,
        ..Data::default()
    }
}

impl Fake {
    /// Starts a fake on a free loopback port.
    pub fn start(data: Data) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let uploads = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let upload_base = format!("http://{}", uploads.local_addr().unwrap());
        let data = Arc::new(Mutex::new(data));
        for (listener, upload) in [(listener, false), (uploads, true)] {
            let shared = data.clone();
            thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let shared = shared.clone();
                    thread::spawn(move || serve(stream, &shared, upload));
                }
            });
        }
        Fake { base, upload_base, data }
    }

    /// The requests seen so far.
    pub fn log(&self) -> Vec<Logged> {
        self.data.lock().unwrap().log.clone()
    }

    /// The POSTs seen so far.
    pub fn writes(&self) -> Vec<Logged> {
        self.log()
            .into_iter()
            .filter(|l| l.method == "POST")
            .collect()
    }

    /// A workflow's configuration now.
    pub fn workflow(&self, n: u32) -> String {
        let d = self.data.lock().unwrap();
        d.workflows
            .iter()
            .find(|w| w.0 == sid("WW", n))
            .unwrap()
            .2
            .clone()
    }

    /// The environment for the tool, pointing at this fake.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("TWILIO_ACCOUNT_SID".into(), ACCOUNT.into()),
            ("TWILIO_AUTH_TOKEN".into(), TOKEN.into()),
            ("TWILIO_TASKROUTER_BASE_URL".into(), self.base.clone()),
            ("TWILIO_FLEX_BASE_URL".into(), self.base.clone()),
            ("TWILIO_SERVERLESS_BASE_URL".into(), self.base.clone()),
            ("TWILIO_SERVERLESS_UPLOAD_BASE_URL".into(), self.upload_base.clone()),
            ("MULTI_CALL_SETUP_RETRY_BASE_MS".into(), "5".into()),
            ("MULTI_CALL_SETUP_POLL_MS".into(), "1".into()),
        ]
    }
}

/// What one run of the tool printed.
pub struct Run {
    /// Exit status.
    pub code: i32,
    /// Standard output.
    pub out: String,
    /// Standard error.
    pub err: String,
}

/// Runs the tool in-process with the given environment.
pub fn run_tool(env: &[(String, String)], args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let lookup = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = multi_call_setup::run(&args, &lookup, &mut out, &mut err);
    let run = Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    };
    assert!(
        !run.out.contains(TOKEN) && !run.err.contains(TOKEN),
        "the auth token was printed:\n{}\n{}",
        run.out,
        run.err
    );
    run
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `a=1&b=2` into decoded pairs.
pub fn form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (url_decode(k), url_decode(v))
        })
        .collect()
}

fn serve(stream: TcpStream, shared: &Mutex<Data>, upload_host: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let (mut length, mut auth, mut content_type) = (0usize, String::new(), String::new());
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        let (name, value) = h.split_once(':').unwrap_or((&h, ""));
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => auth = value.trim().to_string(),
            "content-type" => content_type = value.trim().to_string(),
            _ => {}
        }
    }
    let mut raw = vec![0; length];
    let _ = reader.read_exact(&mut raw);
    let body = String::from_utf8_lossy(&raw).into_owned();
    let (status, reply, raw_text) = {
        let mut d = shared.lock().unwrap();
        d.log.push(Logged {
            method: method.clone(),
            target: target.clone(),
            body: body.clone(),
            auth: auth.clone(),
        });
        if upload_host {
            let (status, reply) = flex_plugins::upload(&mut d, &method, &target, &content_type, &raw, &auth);
            (status, reply, None)
        } else if let Some(file) = flex_plugins::static_file(&d, &method, &target) {
            let mut stream = stream;
            let (status, bytes) = match file {
                Some(b) => ("200 OK", b),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/javascript; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&bytes);
            return;
        } else {
            let (status, reply) = handle(&mut d, &method, &target, &body, &auth);
            let raw = (status == 200 && method == "GET" && target == "/v1/Configuration")
                .then(|| d.flex_text.clone())
                .flatten();
            (status, reply, raw)
        }
    };
    let text = raw_text.unwrap_or_else(|| reply.to_string());
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        text.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(text.as_bytes());
}

/// The credentials every request must carry.
pub fn expected_auth() -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    )
}

pub fn error(status: u16, code: u32, message: &str) -> (u16, Value) {
    (
        status,
        json!({ "code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status }),
    )
}

pub fn page(
    items: Vec<Value>,
    key: &str,
    path: &str,
    query: &[(String, String)],
    page_size: usize,
) -> (u16, Value) {
    let page: usize = query
        .iter()
        .find(|(k, _)| k == "Page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let start = page * page_size;
    let slice: Vec<Value> = items.iter().skip(start).take(page_size).cloned().collect();
    let keep: Vec<String> = query
        .iter()
        .filter(|(k, _)| k != "Page" && k != "PageToken")
        .map(|(k, v)| format!("{k}={}", multi_call_setup::http::encode_query(v)))
        .collect();
    let url = |p: usize| {
        format!(
            "https://taskrouter.twilio.com{path}?{}&Page={p}&PageToken=PT{p}",
            keep.join("&")
        )
    };
    let next = if start + page_size < items.len() {
        Value::String(url(page + 1))
    } else {
        Value::Null
    };
    (
        200,
        json!({
            key: slice,
            "meta": { "page": page, "page_size": page_size, "first_page_url": url(0), "previous_page_url": Value::Null, "url": url(page), "next_page_url": next, "key": key }
        }),
    )
}

fn worker_json(w: &FakeWorker) -> Value {
    json!({ "sid": w.sid, "friendly_name": w.name, "account_sid": ACCOUNT, "workspace_sid": ws(), "available": true, "attributes": "{}" })
}

fn channel_json(w: &FakeWorker, capacity: i64, n: u32, name: &str) -> Value {
    json!({
        "sid": sid("WC", n), "worker_sid": w.sid, "workspace_sid": ws(), "account_sid": ACCOUNT,
        "task_channel_unique_name": name, "task_channel_sid": sid("TC", n % 1000),
        "configured_capacity": capacity, "available_capacity_percentage": 100, "assigned_tasks": 0, "available": true
    })
}

fn workflow_json(w: &(String, String, String)) -> Value {
    json!({ "sid": w.0, "friendly_name": w.1, "configuration": w.2, "account_sid": ACCOUNT, "workspace_sid": ws(), "document_content_type": "application/json", "task_reservation_timeout": 120 })
}

fn handle(d: &mut Data, method: &str, target: &str, body: &str, auth: &str) -> (u16, Value) {
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    );
    if let Some(status) = d.fail_next.pop_front() {
        return error(status, 20429, "Too Many Requests");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = form(query);
    if let Some((prefix, status)) = &d.fail_path {
        if path.starts_with(prefix.as_str()) {
            let status = *status;
            return match status {
                401 => error(401, 20003, "Authenticate"),
                403 => error(403, 20403, "Forbidden"),
                404 => error(404, 20404, "The requested resource was not found"),
                s => error(s, 20500, "Internal Server Error"),
            };
        }
    }
    if auth != expected {
        return error(401, 20003, "Authenticate");
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ps = d.page_size;
    let wsid = ws();
    match (method, segs.as_slice()) {
        ("GET", ["v1", "Configuration"]) => (200, d.flex.clone()),
        ("POST", ["v1", "Configuration"]) => {
            d.flex_text = None;
            flex_plugins::update_configuration(d, body)
        }
        ("GET", ["v1", "Workspaces"]) => {
            let items = vec![
                json!({ "sid": wsid, "friendly_name": "Flex Task Assignment", "account_sid": ACCOUNT, "multi_task_enabled": true }),
            ];
            page(items, "workspaces", path, &query, ps)
        }
        ("GET", ["v1", "Workspaces", w]) if *w == wsid => (
            200,
            json!({ "sid": wsid, "friendly_name": "Flex Task Assignment", "account_sid": ACCOUNT, "multi_task_enabled": true }),
        ),
        (_, ["v1", "Workspaces", w, ..]) if *w != wsid => {
            error(404, 20404, "The requested resource was not found")
        }
        ("GET", ["v1", "Workspaces", _, "Workers"]) => {
            let by_queue = query
                .iter()
                .find(|(k, _)| k == "TaskQueueSid")
                .map(|(_, v)| v.clone());
            let items = match by_queue {
                Some(q) => match d.queues.iter().find(|x| x.sid == q) {
                    Some(queue) => d
                        .workers
                        .iter()
                        .filter(|w| queue.members.contains(&w.sid))
                        .map(worker_json)
                        .collect(),
                    None => return error(404, 20404, "no such queue"),
                },
                None => d.workers.iter().map(worker_json).collect(),
            };
            page(items, "workers", path, &query, ps)
        }
        ("GET", ["v1", "Workspaces", _, "Workers", wk, "Channels"]) => {
            let Some((i, w)) = d.workers.iter().enumerate().find(|(_, w)| w.sid == *wk) else {
                return error(404, 20404, "no such worker");
            };
            let n = (i as u32 + 1) * 10;
            let mut items = vec![
                channel_json(w, 1, n, "default"),
                channel_json(w, 1, n + 1, "chat"),
            ];
            if let Some(c) = w.voice {
                let mut voice = channel_json(w, c, n + 2, "voice");
                voice["available"] = w.voice_available.into();
                items.push(voice);
            }
            page(items, "channels", path, &query, ps)
        }
        ("POST", ["v1", "Workspaces", _, "Workers", wk, "Channels", ch]) => {
            let Some((i, _)) = d.workers.iter().enumerate().find(|(_, w)| w.sid == *wk) else {
                return error(404, 20404, "no such worker");
            };
            if *ch != sid("WC", (i as u32 + 1) * 10 + 2) || d.workers[i].voice.is_none() {
                return error(404, 20404, "no such channel");
            }
            let Some(cap) = form(body)
                .into_iter()
                .find(|(k, _)| k == "Capacity")
                .and_then(|(_, v)| v.parse::<i64>().ok())
            else {
                return error(400, 20001, "Capacity must be an integer");
            };
            d.workers[i].voice = Some(cap);
            let w = d.workers[i].clone();
            (200, channel_json(&w, cap, (i as u32 + 1) * 10 + 2, "voice"))
        }
        ("GET", ["v1", "Workspaces", _, "Workflows"]) => page(
            d.workflows.iter().map(workflow_json).collect(),
            "workflows",
            path,
            &query,
            ps,
        ),
        ("GET", ["v1", "Workspaces", _, "Workflows", ww]) => {
            match d.workflows.iter().find(|w| w.0 == *ww) {
                Some(w) => (200, workflow_json(w)),
                None => error(404, 20404, "no such workflow"),
            }
        }
        ("POST", ["v1", "Workspaces", _, "Workflows", ww]) => {
            let Some(i) = d.workflows.iter().position(|w| w.0 == *ww) else {
                return error(404, 20404, "no such workflow");
            };
            let Some(cfg) = form(body)
                .into_iter()
                .find(|(k, _)| k == "Configuration")
                .map(|(_, v)| v)
            else {
                return error(400, 20001, "Configuration missing");
            };
            if serde_json::from_str::<Value>(&cfg).is_err() {
                return error(400, 20001, "Configuration is not valid JSON");
            }
            d.workflows[i].2 = cfg;
            (200, workflow_json(&d.workflows[i]))
        }
        ("GET", ["v1", "Workspaces", _, "TaskQueues"]) => {
            let items = d.queues.iter().map(|q| json!({ "sid": q.sid, "friendly_name": q.name, "target_workers": "1==1", "account_sid": ACCOUNT, "workspace_sid": wsid, "max_reserved_workers": 1 })).collect();
            page(items, "task_queues", path, &query, ps)
        }
        _ => flex_plugins::handle(d, method, path, &query, body),
    }
}
