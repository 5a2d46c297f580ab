//! Fluent catalogs (vi, zh-TW, en), embedded in the binary. Every text a user reads comes
//! from here; a test checks that the three catalogs have the same messages.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use sen_domain::errors::Invalid;
use unic_langid::LanguageIdentifier;

pub const LANGUAGES: &[&str] = &["vi", "zh-TW", "en"];

/// Each language's catalog files: `main.ftl` (account, contacts, common words) and
/// `sales.ftl` (board, leads and opportunities, settings).
const CATALOGS: &[(&str, &[&str])] = &[
    (
        "vi",
        &[
            include_str!("../i18n/vi/main.ftl"),
            include_str!("../i18n/vi/sales.ftl"),
            include_str!("../i18n/vi/settings.ftl"),
            include_str!("../i18n/vi/activities.ftl"),
            include_str!("../i18n/vi/messaging.ftl"),
            include_str!("../i18n/vi/import.ftl"),
        ],
    ),
    (
        "zh-TW",
        &[
            include_str!("../i18n/zh-TW/main.ftl"),
            include_str!("../i18n/zh-TW/sales.ftl"),
            include_str!("../i18n/zh-TW/settings.ftl"),
            include_str!("../i18n/zh-TW/activities.ftl"),
            include_str!("../i18n/zh-TW/messaging.ftl"),
            include_str!("../i18n/zh-TW/import.ftl"),
        ],
    ),
    (
        "en",
        &[
            include_str!("../i18n/en/main.ftl"),
            include_str!("../i18n/en/sales.ftl"),
            include_str!("../i18n/en/settings.ftl"),
            include_str!("../i18n/en/activities.ftl"),
            include_str!("../i18n/en/messaging.ftl"),
            include_str!("../i18n/en/import.ftl"),
        ],
    ),
];

pub struct I18n {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl I18n {
    /// Loads the embedded catalogs. A broken catalog is a build mistake, caught by tests.
    pub fn load() -> Self {
        let mut bundles = HashMap::new();
        for (lang, sources) in CATALOGS {
            let id: LanguageIdentifier = lang.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // HTML is escaped by the templates; isolation marks would show up as junk.
            bundle.set_use_isolating(false);
            for source in *sources {
                let resource =
                    FluentResource::try_new((*source).to_string()).unwrap_or_else(|(res, errs)| {
                        tracing::error!(lang, ?errs, "catalog has syntax errors");
                        res
                    });
                if let Err(errs) = bundle.add_resource(resource) {
                    tracing::error!(lang, ?errs, "catalog has duplicate messages");
                }
            }
            bundles.insert(*lang, bundle);
        }
        I18n { bundles }
    }

    /// The supported language closest to `wanted` (falls back to English).
    pub fn pick(wanted: &str) -> &'static str {
        let lower = wanted.trim().to_ascii_lowercase();
        if lower.starts_with("vi") {
            "vi"
        } else if lower.starts_with("zh") {
            "zh-TW"
        } else {
            "en"
        }
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: Option<&str>) -> &'static str {
        header
            .and_then(|h| {
                h.split(',')
                    .map(|p| p.split(';').next().unwrap_or("").trim())
                    .find(|p| {
                        let l = p.to_ascii_lowercase();
                        l.starts_with("vi") || l.starts_with("zh") || l.starts_with("en")
                    })
            })
            .map(Self::pick)
            .unwrap_or("en")
    }

    pub fn message_ids(&self, lang: &str) -> Vec<String> {
        CATALOGS
            .iter()
            .filter(|(l, _)| *l == lang)
            .flat_map(|(_, sources)| sources.iter())
            .flat_map(|src| {
                src.lines()
                    .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
                    .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn has(&self, lang: &str, id: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(id))
    }

    /// The text of message `id` in `lang`, with named arguments.
    pub fn text(&self, lang: &str, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let bundle = self
            .bundles
            .get(Self::pick(lang))
            .or_else(|| self.bundles.get("en"));
        let Some(bundle) = bundle else {
            return id.to_string();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang, "missing message");
            return id.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }

    /// A validation problem as a sentence in the reader's language.
    pub fn invalid(&self, lang: &str, why: &Invalid) -> String {
        match why {
            Invalid::Required => self.text(lang, "error-required", &[]),
            Invalid::TooLong { max } => {
                self.text(lang, "error-too-long", &[("max", (*max).into())])
            }
            Invalid::TooShort { min } => {
                self.text(lang, "error-too-short", &[("min", (*min).into())])
            }
            Invalid::Email => self.text(lang, "error-email", &[]),
            Invalid::Phone => self.text(lang, "error-phone", &[]),
            Invalid::Website => self.text(lang, "error-website", &[]),
            Invalid::Choice { allowed } => self.text(
                lang,
                "error-choice",
                &[("allowed", allowed.join(", ").into())],
            ),
            Invalid::NotFound => self.text(lang, "error-not-found", &[]),
            Invalid::Taken => self.text(lang, "error-taken", &[]),
            Invalid::Type { expected } => {
                let key = format!("error-type-{}", message_slug(expected));
                if self.has(lang, &key) {
                    return self.text(lang, &key, &[]);
                }
                self.text(lang, "error-type", &[("expected", expected.clone().into())])
            }
            Invalid::Unknown => self.text(lang, "error-unknown-field", &[]),
            Invalid::Range { min, max } => self.text(
                lang,
                "error-range",
                &[("min", (*min).into()), ("max", (*max).into())],
            ),
            Invalid::Mention { name } => self.text(
                lang,
                "error-unknown-mention",
                &[("name", name.clone().into())],
            ),
            Invalid::Csv { line: Some(line) } => {
                self.text(lang, "error-csv-line", &[("line", (*line).into())])
            }
            Invalid::Csv { line: None } => self.text(lang, "error-csv", &[]),
            Invalid::NoMatch { name } => {
                self.text(lang, "error-no-match", &[("name", name.clone().into())])
            }
            Invalid::Ambiguous { name } => {
                self.text(lang, "error-ambiguous", &[("name", name.clone().into())])
            }
            // Rules word their own messages in English; the catalogs translate the ones
            // people meet on forms (`error-msg-<the words>`), the rest stay as written.
            Invalid::Message(m) => {
                let key = format!("error-msg-{}", message_slug(m));
                if self.has(lang, &key) {
                    self.text(lang, &key, &[])
                } else {
                    m.clone()
                }
            }
        }
    }
}

/// An English message as a catalog key: lower-case words joined by `-`.
fn message_slug(m: &str) -> String {
    m.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A translator bound to one language, handed to templates.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub i18n: &'a I18n,
    pub lang: &'static str,
}

impl Tr<'_> {
    pub fn t(&self, id: &str) -> String {
        self.i18n.text(self.lang, id, &[])
    }

    /// A message with one named argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.i18n.text(
            self.lang,
            id,
            &[(name, FluentValue::from(value.to_string()))],
        )
    }

    pub fn n(&self, id: &str, count: i64) -> String {
        self.i18n.text(self.lang, id, &[("count", count.into())])
    }
}

impl I18n {
    /// The process-wide catalogs, loaded on first use.
    pub fn shared() -> &'static I18n {
        static SHARED: std::sync::OnceLock<I18n> = std::sync::OnceLock::new();
        SHARED.get_or_init(I18n::load)
    }
}

/// The worker writes mail with the same catalogs as the pages.
impl sen_app::notify::Texts for I18n {
    fn text(&self, lang: &str, id: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = args
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(v.as_str())))
            .collect();
        I18n::text(self, lang, id, &args)
    }
}

/// The shared catalogs as the worker's texts.
struct SharedTexts;

impl sen_app::notify::Texts for SharedTexts {
    fn text(&self, lang: &str, id: &str, args: &[(&str, String)]) -> String {
        sen_app::notify::Texts::text(I18n::shared(), lang, id, args)
    }
}

/// Texts for the background worker's mail.
pub fn worker_texts() -> std::sync::Arc<dyn sen_app::notify::Texts> {
    std::sync::Arc::new(SharedTexts)
}
