//! API tokens: creation (random secret, only its hash stored) and bearer-header checks.
//!
//! A token is `ew_` followed by 64 hex digits (32 bytes from the system's random source). The store
//! keeps the blake3 hash of the whole token string and the token's name; the name is who a triage
//! decision is recorded under.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use epiwire_store::{SqliteStore, TokenHash};

use crate::error::{ApiError, Error, Result};

/// Prefix of every token (makes them easy to spot in logs and secret scanners).
pub const TOKEN_PREFIX: &str = "ew_";

/// The hash under which a token is stored.
pub fn hash_token(token: &str) -> TokenHash {
    *blake3::hash(token.as_bytes()).as_bytes()
}

/// A fresh random token (not stored).
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    let mut token = String::with_capacity(TOKEN_PREFIX.len() + 64);
    token.push_str(TOKEN_PREFIX);
    for b in bytes {
        token.push(hex_digit(b >> 4));
        token.push(hex_digit(b & 0x0f));
    }
    Ok(token)
}

fn hex_digit(n: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(n & 0x0f)])
}

/// Creates a token called `name` in `store` and returns it; it is shown once and only its hash is
/// kept. Fails when the name is empty or taken.
pub fn create_token(store: &SqliteStore, name: &str) -> Result<String> {
    let token = new_token()?;
    store.create_token(name, &hash_token(&token), &now_rfc3339())?;
    Ok(token)
}

/// The current time, RFC 3339 in UTC with seconds.
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// The bearer token of a request, if it carries one. A malformed `Authorization` header is an
/// error (401), not "no token".
pub fn bearer(headers: &HeaderMap) -> std::result::Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not ASCII"))?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(|| {
        ApiError::unauthorized("the Authorization header must be `Bearer <token>`")
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized(
            "the Authorization header must be `Bearer <token>`",
        ));
    }
    Ok(Some(token.trim()))
}

/// The name of the token a request carries; 401 when it carries none or an unknown one.
pub fn authenticate(
    store: &SqliteStore,
    headers: &HeaderMap,
) -> std::result::Result<String, ApiError> {
    let token = bearer(headers)?.ok_or_else(|| {
        ApiError::unauthorized(
            "this request needs `Authorization: Bearer <token>` (create one with `epiwire token create NAME`)",
        )
    })?;
    store
        .check_token(&hash_token(token))?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked token"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_random_prefixed_hex() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert!(a[3..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn created_tokens_authenticate_and_others_do_not() {
        let store = SqliteStore::open_in_memory().unwrap();
        let token = create_token(&store, "ana").unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(authenticate(&store, &headers).unwrap_err().status, 401);
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        assert_eq!(authenticate(&store, &headers).unwrap(), "ana");
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("bearer  {token}")).unwrap(),
        );
        assert_eq!(authenticate(&store, &headers).unwrap(), "ana");
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer ew_00"));
        assert_eq!(authenticate(&store, &headers).unwrap_err().status, 401);
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {token}")).unwrap(),
        );
        assert_eq!(authenticate(&store, &headers).unwrap_err().status, 401);
        assert!(create_token(&store, "ana").is_err());
    }
}
