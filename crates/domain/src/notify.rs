//! What followers can choose to hear about, and the kinds of notifications.

use crate::errors::{FieldErrors, Invalid};

choice!(
    /// A subject a follower may hear about.
    Topic {
        Stage => "stage",
        Outcome => "outcome",
        Note => "note",
        Message => "message",
        Activity => "activity",
    }
);

choice!(
    /// Why a notification was sent: a followed topic, or something addressed to the user.
    Kind {
        Stage => "stage",
        Outcome => "outcome",
        Note => "note",
        Message => "message",
        Activity => "activity",
        Mention => "mention",
        Assigned => "assigned",
        Reminder => "reminder",
    }
);

impl Kind {
    /// The followed topic this kind belongs to (`None`: addressed to one user, not to
    /// followers).
    pub fn topic(self) -> Option<Topic> {
        match self {
            Kind::Stage => Some(Topic::Stage),
            Kind::Outcome => Some(Topic::Outcome),
            Kind::Note => Some(Topic::Note),
            Kind::Message => Some(Topic::Message),
            Kind::Activity => Some(Topic::Activity),
            Kind::Mention | Kind::Assigned | Kind::Reminder => None,
        }
    }
}

/// Every topic, as stored for someone who follows without choosing.
pub fn all_topics() -> String {
    Topic::choices().join(",")
}

/// Checks a chosen list of topics and gives it in storage form (comma list, in the
/// canonical order, no repeats).
pub fn topics_text(field: &str, topics: &[String]) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut chosen = Vec::new();
    for t in topics {
        match Topic::parse(t) {
            Some(topic) => chosen.push(topic),
            None => e.add(
                field,
                Invalid::Choice {
                    allowed: Topic::choices(),
                },
            ),
        }
    }
    e.into_result()?;
    Ok(Topic::ALL
        .iter()
        .filter(|t| chosen.contains(t))
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(","))
}

/// Whether a stored topic list includes `topic`.
pub fn hears(topics: &str, topic: Topic) -> bool {
    topics.split(',').any(|t| t == topic.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_checked_and_kept_in_canonical_order() {
        let t = topics_text("topics", &["note".into(), "stage".into(), "note".into()]).unwrap();
        assert_eq!(t, "stage,note");
        assert!(hears(&t, Topic::Note) && !hears(&t, Topic::Outcome));
        assert!(topics_text("topics", &["gossip".into()]).is_err());
        assert_eq!(all_topics(), "stage,outcome,note,message,activity");
    }
}
