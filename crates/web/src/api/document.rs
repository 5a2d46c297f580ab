//! Makes the generated OpenAPI document say what every operation really answers, for the
//! parts the per-handler annotations would otherwise repeat a hundred times: errors come as
//! `application/problem+json` (the annotations can only say `application/json`), and every
//! operation that reads a JSON body can also answer 400 (not JSON), 413 (too large), 415
//! (not `Content-Type: application/json`) and 422 (invalid or unknown fields), as
//! `extract::JsonBody` does. Request bodies hold exactly their documented fields, and a
//! PATCH body must name the `version` it read.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AdditionalProperties, Schema, SchemaType, Type};
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

/// The component schema a JSON request body refers to, if any.
fn body_schema(op: &Operation) -> Option<String> {
    let Some(RefOr::T(body)) = &op.request_body else {
        return None;
    };
    let RefOr::T(content) = body.content.get("application/json")? else {
        return None;
    };
    match content.schema.as_ref()? {
        RefOr::Ref(r) => r
            .ref_location
            .strip_prefix("#/components/schemas/")
            .map(String::from),
        RefOr::T(_) => None,
    }
}

/// Unknown fields are refused (422), PATCH bodies require their `version`, and what a
/// POST creates needs its `name` (a body only POSTs use: a change may leave it out).
fn strict_bodies(doc: &mut OpenApi) {
    let mut bodies: Vec<(String, &'static str)> = Vec::new();
    for item in doc.paths.paths.values() {
        for (op, method) in [
            (&item.post, "post"),
            (&item.put, "put"),
            (&item.patch, "patch"),
        ] {
            if let Some(name) = op.as_ref().and_then(body_schema) {
                bodies.push((name, method));
            }
        }
    }
    let only_posted = |name: &str| {
        bodies
            .iter()
            .all(|(n, method)| n != name || *method == "post")
    };
    let creates: Vec<String> = bodies
        .iter()
        .filter(|(n, _)| only_posted(n))
        .map(|(n, _)| n.clone())
        .collect();
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (name, method) in &bodies {
        let Some(RefOr::T(Schema::Object(obj))) = components.schemas.get_mut(name) else {
            continue;
        };
        obj.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        if creates.contains(name)
            && let Some(RefOr::T(Schema::Object(field))) = obj.properties.get_mut("name")
        {
            field.schema_type = SchemaType::Type(Type::String);
            field.min_length = Some(1);
            if !obj.required.iter().any(|r| r == "name") {
                obj.required.push("name".into());
            }
        }
        if *method == "patch"
            && let Some(RefOr::T(Schema::Object(version))) = obj.properties.get_mut("version")
        {
            version.schema_type = SchemaType::Type(Type::Integer);
            if !obj.required.iter().any(|r| r == "version") {
                obj.required.push("version".into());
            }
        }
    }
}

/// Applies the rules above to every operation of `doc`.
pub fn complete(doc: &mut OpenApi) {
    strict_bodies(doc);
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
