//! Makes the generated OpenAPI document say what every operation really answers, for the
//! parts the per-handler annotations would otherwise repeat a hundred times: errors come as
//! `application/problem+json` (the annotations can only say `application/json`), and every
//! operation that reads a JSON body can also answer 400 (not JSON), 413 (too large), 415
//! (not `Content-Type: application/json`) and 422 (invalid or unknown fields), as
//! `extract::JsonBody` does.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

const PROBLEM: &str = "application/problem+json";

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build(),
    )
}

/// Error answers are problem+json, whatever the annotation said.
fn errors_as_problems(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if (status.starts_with('4') || status.starts_with('5'))
            && let Some(content) = response.content.shift_remove("application/json")
        {
            response.content.insert(PROBLEM.to_string(), content);
        }
    }
}

/// What the JSON body reader answers besides the operation's own outcomes.
fn body_errors(op: &mut Operation) {
    let takes_json = match &op.request_body {
        Some(RefOr::T(body)) => body.content.contains_key("application/json"),
        _ => false,
    };
    if !takes_json {
        return;
    }
    for (status, description) in [
        (
            "400",
            "The body is not JSON, or a value has the wrong type (problem+json)",
        ),
        ("413", "The body is larger than 1 MiB (problem+json)"),
        (
            "415",
            "The body is not sent as `Content-Type: application/json` (problem+json)",
        ),
        (
            "422",
            "Invalid or unknown fields, each named (problem+json)",
        ),
    ] {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem(description));
    }
}

/// Applies the rules above to every operation of `doc`.
pub fn complete(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            errors_as_problems(op);
            body_errors(op);
        }
    }
}
