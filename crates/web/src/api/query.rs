//! Reading a request's query string by hand (for lists whose parameters are checked one by
//! one): one parse, blank values treated as absent, numbers refused by name.

use crate::problem::{ApiError, ApiResult};

pub struct QueryPairs(Vec<(String, String)>);

impl QueryPairs {
    /// A malformed query is a 400 naming `query`.
    pub fn parse(raw: Option<&str>) -> ApiResult<QueryPairs> {
        serde_urlencoded::from_str(raw.unwrap_or(""))
            .map(QueryPairs)
            .map_err(|e| ApiError::bad_request("query", e.to_string()))
    }

    /// The trimmed value of `name`, absent when missing or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A whole number, or a 400 naming `name`.
    pub fn number(&self, name: &str) -> ApiResult<Option<i64>> {
        self.text(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| ApiError::bad_request(name, "must be a whole number"))
            })
            .transpose()
    }

    /// A comma-separated list (empty when absent).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.text(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}
