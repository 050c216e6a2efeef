//! The checks every request passes before it reaches a route: the `Host` names this server
//! (no DNS rebinding), any `Origin` is this server (no cross-site requests), the token is
//! given (as `?token=` or the cookie set from it) and the body is not too large.

use super::{State, MAX_BODY};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

const COOKIE: &str = "thematic_token";

/// A random token: 32 hex digits from the system's random source.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random source for the token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub async fn check(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let port = state.port;
    if host != format!("127.0.0.1:{port}") && host != format!("localhost:{port}") {
        return refuse(
            StatusCode::FORBIDDEN,
            &format!(
                "this server answers only to 127.0.0.1:{port} or localhost:{port}, not to host `{host}`"
            ),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        if origin.to_str().ok() != Some(&format!("http://{host}")) {
            return refuse(StatusCode::FORBIDDEN, "requests from other sites are refused");
        }
    }
    let from_query = query_token(request.uri().query().unwrap_or(""));
    let from_cookie = cookie_token(headers);
    let given = from_query.as_deref().or(from_cookie.as_deref());
    if !given.is_some_and(|t| same(t, &state.token)) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "the token is missing or wrong: open the address `thematic serve` printed",
        );
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > MAX_BODY as u64) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "the request is larger than 1 MiB");
    }
    let set_cookie = from_query.is_some() && from_cookie.as_deref() != Some(state.token.as_str());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if set_cookie {
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            state.token
        )) {
            h.insert(header::SET_COOKIE, v);
        }
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refuse(status: StatusCode, message: &str) -> Response {
    super::api::ApiError::new(status, message).into_response()
}

fn query_token(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "token")
        .map(|(_, v)| v.to_string())
}

fn cookie_token(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// Compares in time independent of where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
