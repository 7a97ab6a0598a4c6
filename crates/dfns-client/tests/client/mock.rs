//! A mock Dfns on 127.0.0.1 that records every request it gets.

use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::{Next, from_fn};
use axum::response::Response;

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub user_action: Option<String>,
    pub body: String,
}

#[derive(Clone, Default)]
pub struct Mock {
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Mock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `router` behind the recorder; returns the base URL.
    pub async fn serve(&self, router: axum::Router) -> String {
        let requests = self.requests.clone();
        let router = router.layer(from_fn(move |request: Request, next: Next| {
            let requests = requests.clone();
            async move { record(requests, request, next).await }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{address}")
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }
}

async fn record(requests: Arc<Mutex<Vec<Recorded>>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.expect("body");
    let header =
        |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    requests.lock().expect("lock").push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        authorization: header("authorization"),
        user_action: header("x-dfns-useraction"),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
