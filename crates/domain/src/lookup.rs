//! Lookups: tags, lost reasons, sources, mediums, campaigns — small named lists an admin
//! keeps, referred to by records.

use crate::errors::{FieldErrors, Invalid, check_required};

choice!(
    /// Which records a lost reason may be given for.
    AppliesTo { Lead => "lead", Deal => "deal", Both => "both" }
);

/// Tag colours are indexes into the design system's 12 tag colours.
pub const TAG_COLORS: i64 = 12;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LookupValues {
    pub name: String,
    pub active: bool,
    /// Tags only.
    pub color: Option<i64>,
    /// Lost reasons only.
    pub applies_to: Option<AppliesTo>,
}

impl LookupValues {
    pub fn cleaned(self) -> Self {
        LookupValues {
            name: self.name.trim().to_string(),
            ..self
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), 100);
        if let Some(c) = self.color
            && !(0..TAG_COLORS).contains(&c)
        {
            e.add(
                "color",
                Invalid::Range {
                    min: 0,
                    max: TAG_COLORS - 1,
                },
            );
        }
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_needs_a_name_and_a_known_colour() {
        let v = LookupValues {
            name: " ".into(),
            color: Some(12),
            ..Default::default()
        };
        let e = v.cleaned().validate().unwrap_err();
        assert!(e.0.contains_key("name") && e.0.contains_key("color"));
        assert_eq!(AppliesTo::parse("deal"), Some(AppliesTo::Deal));
    }
}
