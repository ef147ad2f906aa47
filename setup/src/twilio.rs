//! What the tool reads from and writes to Twilio, as plain data.
//!
//! Everything is read into a [`State`] first; the audit and the plan are
//! pure functions of it, so they are tested without a network.

use serde::Serialize;
use serde_json::Value;

use crate::http::{encode_query, ApiError, Client, ErrorKind};

/// Page size for list calls; Twilio allows up to 1000.
const PAGE_SIZE: u32 = 200;

/// The two API hosts the tool talks to.
pub struct Api<'a> {
    /// TaskRouter v1.
    pub taskrouter: Client<'a>,
    /// Flex v1.
    pub flex: Client<'a>,
}

/// A TaskRouter workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Workspace {
    /// `WS…`.
    pub sid: String,
    /// Its name.
    pub friendly_name: String,
    /// Whether workers may hold several tasks at once; capacities above 1 need it.
    pub multi_task_enabled: Option<bool>,
}

/// A worker and its voice channel, if it has one.
#[derive(Debug, Clone, Serialize)]
pub struct Worker {
    /// `WK…`.
    pub sid: String,
    /// Its name.
    pub friendly_name: String,
    /// The voice WorkerChannel's SID (`WC…`), if the worker has one.
    pub voice_channel_sid: Option<String>,
    /// The voice channel's configured capacity.
    pub voice_capacity: Option<i64>,
    /// Whether the voice channel is available (`None` when Twilio does not say).
    pub voice_available: Option<bool>,
}

/// A workflow with its configuration JSON text as Twilio stores it.
#[derive(Debug, Clone, Serialize)]
pub struct Workflow {
    /// `WW…`.
    pub sid: String,
    /// Its name.
    pub friendly_name: String,
    /// The `configuration` string.
    pub configuration: String,
}

/// A task queue and which workers it holds.
#[derive(Debug, Clone, Serialize)]
pub struct TaskQueue {
    /// `WQ…`.
    pub sid: String,
    /// Its name.
    pub friendly_name: String,
    /// Its `target_workers` expression.
    pub target_workers: Option<String>,
    /// SIDs of the workers that belong to it.
    pub member_sids: Vec<String>,
    /// False when the Flex configuration marks it not targettable for transfers.
    pub transfer_target: bool,
}

/// Everything the audit and the plan look at.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    /// The workspace audited.
    pub workspace: Workspace,
    /// Workers in scope.
    pub workers: Vec<Worker>,
    /// All workflows.
    pub workflows: Vec<Workflow>,
    /// All task queues.
    pub queues: Vec<TaskQueue>,
    /// The Flex configuration, or why it could not be read (`None` when skipped).
    pub flex: Option<Result<Value, String>>,
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn workspace_from(w: &Value, what: &str) -> Result<Workspace, ApiError> {
    Ok(Workspace {
        sid: sid_field(w, "sid", what)?,
        friendly_name: str_field(w, "friendly_name"),
        multi_task_enabled: w.get("multi_task_enabled").and_then(Value::as_bool),
    })
}

fn sid_field(v: &Value, key: &str, what: &str) -> Result<String, ApiError> {
    match v.get(key).and_then(Value::as_str) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(ApiError::new(
            what,
            ErrorKind::BadResponse,
            format!("an item has no '{key}'"),
        )),
    }
}

/// Lists the account's workspaces.
pub fn list_workspaces(api: &Api<'_>) -> Result<Vec<Workspace>, ApiError> {
    let what = "listing TaskRouter workspaces";
    let items = api.taskrouter.list(
        what,
        &format!("/v1/Workspaces?PageSize={PAGE_SIZE}"),
        "workspaces",
    )?;
    items.iter().map(|w| workspace_from(w, what)).collect()
}

/// Fetches one workspace.
pub fn get_workspace(api: &Api<'_>, sid: &str) -> Result<Workspace, ApiError> {
    let what = format!("reading workspace {sid}");
    let w = api
        .taskrouter
        .get(&what, &format!("/v1/Workspaces/{sid}"))?;
    workspace_from(&w, &what)
}

/// Lists workers, optionally only those matching a TaskRouter expression.
pub fn list_workers(
    api: &Api<'_>,
    ws: &str,
    filter: Option<&str>,
) -> Result<Vec<(String, String)>, ApiError> {
    let what = "listing workers";
    let mut path = format!("/v1/Workspaces/{ws}/Workers?PageSize={PAGE_SIZE}");
    if let Some(f) = filter {
        path.push_str(&format!("&TargetWorkersExpression={}", encode_query(f)));
    }
    let items = api.taskrouter.list(what, &path, "workers")?;
    items
        .iter()
        .map(|w| Ok((sid_field(w, "sid", what)?, str_field(w, "friendly_name"))))
        .collect()
}

/// A worker's voice channel as read.
#[derive(Debug, Clone)]
pub struct VoiceChannel {
    /// `WC…`.
    pub sid: String,
    /// Configured capacity.
    pub capacity: i64,
    /// The channel's `available` flag.
    pub available: Option<bool>,
}

/// Reads a worker's voice channel.
pub fn voice_channel(
    api: &Api<'_>,
    ws: &str,
    worker: &str,
) -> Result<Option<VoiceChannel>, ApiError> {
    let what = format!("listing channels of worker {worker}");
    let items = api.taskrouter.list(
        &what,
        &format!("/v1/Workspaces/{ws}/Workers/{worker}/Channels?PageSize={PAGE_SIZE}"),
        "channels",
    )?;
    for c in &items {
        if c.get("task_channel_unique_name").and_then(Value::as_str) == Some("voice") {
            let capacity = c
                .get("configured_capacity")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            return Ok(Some(VoiceChannel {
                sid: sid_field(c, "sid", &what)?,
                capacity,
                available: c.get("available").and_then(Value::as_bool),
            }));
        }
    }
    Ok(None)
}

/// Lists workflows.
pub fn list_workflows(api: &Api<'_>, ws: &str) -> Result<Vec<Workflow>, ApiError> {
    let what = "listing workflows";
    let items = api.taskrouter.list(
        what,
        &format!("/v1/Workspaces/{ws}/Workflows?PageSize={PAGE_SIZE}"),
        "workflows",
    )?;
    items
        .iter()
        .map(|w| {
            Ok(Workflow {
                sid: sid_field(w, "sid", what)?,
                friendly_name: str_field(w, "friendly_name"),
                configuration: str_field(w, "configuration"),
            })
        })
        .collect()
}

/// Fetches one workflow, to check it has not changed since it was planned.
pub fn get_workflow(api: &Api<'_>, ws: &str, sid: &str) -> Result<Workflow, ApiError> {
    let what = format!("reading workflow {sid}");
    let w = api
        .taskrouter
        .get(&what, &format!("/v1/Workspaces/{ws}/Workflows/{sid}"))?;
    Ok(Workflow {
        sid: sid_field(&w, "sid", &what)?,
        friendly_name: str_field(&w, "friendly_name"),
        configuration: str_field(&w, "configuration"),
    })
}

/// Writes a workflow's whole configuration in one request; returns what Twilio stored.
pub fn update_workflow(
    api: &Api<'_>,
    ws: &str,
    sid: &str,
    configuration: &str,
) -> Result<String, ApiError> {
    let what = format!("updating workflow {sid}");
    let w = api.taskrouter.post(
        &what,
        &format!("/v1/Workspaces/{ws}/Workflows/{sid}"),
        &[("Configuration", configuration.to_string())],
    )?;
    Ok(str_field(&w, "configuration"))
}

/// Sets a worker's voice channel capacity; returns the capacity Twilio reports.
pub fn update_capacity(
    api: &Api<'_>,
    ws: &str,
    worker: &str,
    channel: &str,
    capacity: i64,
) -> Result<Option<i64>, ApiError> {
    let what = format!("updating the voice capacity of worker {worker}");
    let c = api.taskrouter.post(
        &what,
        &format!("/v1/Workspaces/{ws}/Workers/{worker}/Channels/{channel}"),
        &[("Capacity", capacity.to_string())],
    )?;
    Ok(c.get("configured_capacity").and_then(Value::as_i64))
}

/// Lists task queues and the workers each holds.
pub fn list_queues(api: &Api<'_>, ws: &str) -> Result<Vec<TaskQueue>, ApiError> {
    let what = "listing task queues";
    let items = api.taskrouter.list(
        what,
        &format!("/v1/Workspaces/{ws}/TaskQueues?PageSize={PAGE_SIZE}"),
        "task_queues",
    )?;
    let mut queues = Vec::new();
    for q in &items {
        let sid = sid_field(q, "sid", what)?;
        let members = api.taskrouter.list(
            &format!("listing workers of task queue {sid}"),
            &format!("/v1/Workspaces/{ws}/Workers?TaskQueueSid={sid}&PageSize={PAGE_SIZE}"),
            "workers",
        )?;
        queues.push(TaskQueue {
            friendly_name: str_field(q, "friendly_name"),
            target_workers: q
                .get("target_workers")
                .and_then(Value::as_str)
                .map(str::to_string),
            member_sids: members
                .iter()
                .filter_map(|w| w.get("sid").and_then(Value::as_str).map(str::to_string))
                .collect(),
            transfer_target: true,
            sid,
        });
    }
    Ok(queues)
}

/// Reads the Flex configuration.
pub fn flex_configuration(api: &Api<'_>) -> Result<Value, ApiError> {
    api.flex
        .get("reading the Flex configuration", "/v1/Configuration")
}

/// Reads everything the audit needs.
pub fn fetch_state(
    api: &Api<'_>,
    workspace: Workspace,
    worker_filter: Option<&str>,
    read_flex: bool,
) -> Result<State, ApiError> {
    let ws = workspace.sid.clone();
    let mut workers = Vec::new();
    for (sid, friendly_name) in list_workers(api, &ws, worker_filter)? {
        let voice = voice_channel(api, &ws, &sid)?;
        workers.push(Worker {
            voice_channel_sid: voice.as_ref().map(|v| v.sid.clone()),
            voice_capacity: voice.as_ref().map(|v| v.capacity),
            voice_available: voice.and_then(|v| v.available),
            sid,
            friendly_name,
        });
    }
    let workflows = list_workflows(api, &ws)?;
    let mut queues = list_queues(api, &ws)?;
    let flex = if read_flex {
        match flex_configuration(api) {
            Ok(v) => Some(Ok(v)),
            // A 401 means every call would fail: stop. Anything else is reported and the TaskRouter audit goes on.
            Err(e) if e.kind == ErrorKind::Unauthorized => return Err(e),
            Err(e) => Some(Err(e.to_string())),
        }
    } else {
        None
    };
    if let Some(Ok(cfg)) = &flex {
        mark_transfer_targets(&mut queues, cfg);
    }
    Ok(State {
        workspace,
        workers,
        workflows,
        queues,
        flex,
    })
}

/// Applies Flex's `taskrouter_taskqueues[].targettable` to the queues, when the configuration lists them.
pub fn mark_transfer_targets(queues: &mut [TaskQueue], flex: &Value) {
    let Some(listed) = flex.get("taskrouter_taskqueues").and_then(Value::as_array) else {
        return;
    };
    for q in queues.iter_mut() {
        let entry = listed
            .iter()
            .find(|e| e.get("sid").and_then(Value::as_str) == Some(q.sid.as_str()));
        if let Some(false) = entry
            .and_then(|e| e.get("targettable"))
            .and_then(Value::as_bool)
        {
            q.transfer_target = false;
        }
    }
}
