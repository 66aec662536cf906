//! Checks of values against Discord's rules that the typed commands apply before sending:
//! RFC 3339 times, number ranges, text lengths, JSON shapes and the fields a union body's
//! variant requires. Each returns the reason a value is refused, phrased to end a sentence.

use serde_json::{Map, Value};

use super::{Endpoint, Variant};

/// Whether `text` is an RFC 3339 date-time (`2026-01-31T18:00:00Z`, `...T18:00:00.5+01:00`),
/// the format the spec's `format: date-time` names (RFC 3339 section 5.6).
pub fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, to: usize| -> Option<u32> {
        let s = text.get(from..to)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (digits(0, 4), digits(5, 7), digits(8, 10)) else {
        return false;
    };
    let (Some(hour), Some(minute), Some(second)) = (digits(11, 13), digits(14, 16), digits(17, 19))
    else {
        return false;
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return false;
    }
    if b[13] != b':' || b[16] != b':' {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid_day = (1..=12).contains(&month) && day >= 1 && day <= month_days[month as usize - 1];
    if !valid_day || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[3] == b':'
                && offset[1..3].parse::<u32>().is_ok_and(|h| h < 24)
                && offset[4..6].parse::<u32>().is_ok_and(|m| m < 60)
                && offset[1..3]
                    .bytes()
                    .chain(offset[4..6].bytes())
                    .all(|c| c.is_ascii_digit())
        }
    }
}

/// "from 0 to 1", "at least 2", "at most 10": a range as the errors and the help say it.
pub fn range_text<T: std::fmt::Display>(min: Option<T>, max: Option<T>) -> Option<String> {
    match (min, max) {
        (Some(lo), Some(hi)) => Some(format!("from {lo} to {hi}")),
        (Some(lo), None) => Some(format!("at least {lo}")),
        (None, Some(hi)) => Some(format!("at most {hi}")),
        (None, None) => None,
    }
}

/// The variant of `endpoint`'s union body that `body` chooses by its discriminator, if the
/// body is such a union and names one.
pub fn chosen_variant<'a>(
    endpoint: &'a Endpoint,
    body: &Map<String, Value>,
) -> Option<(&'static str, &'a Variant)> {
    let variants = endpoint.variants.as_ref()?;
    let given = body.get(variants.field)?.to_string();
    let variant = variants
        .variants
        .iter()
        .find(|v| v.values.contains(&given.as_str()))?;
    Some((variants.field, variant))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_checked_strictly() {
        for good in [
            "2026-01-31T18:00:00Z",
            "2026-01-31t18:00:00z",
            "2024-02-29T00:00:00.123456+05:30",
            "2026-12-31T23:59:60-00:00",
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "next-tuesday",
            "2026-01-31",
            "2026-01-31T18:00Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-31T24:00:00Z",
            "2026-01-31T18:00:00",
            "2026-01-31T18:00:00.Z",
            "2026-01-31T18:00:00+0100",
            "2026-01-31T18:00:00+01:60",
            "२०२६-01-31T18:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn a_union_body_chooses_its_variant_by_discriminator() {
        let e = super::super::find("create-auto-moderation-rule").expect("in the table");
        let body: Map<String, Value> = serde_json::from_str(r#"{"trigger_type":4}"#).expect("json");
        let (field, v) = chosen_variant(e, &body).expect("a variant");
        assert_eq!(field, "trigger_type");
        // Discord's Trigger Types: KEYWORD_PRESET (4) needs trigger_metadata.presets.
        assert_eq!(v.required, ["trigger_metadata"]);
        let body: Map<String, Value> =
            serde_json::from_str(r#"{"trigger_type":99}"#).expect("json");
        assert!(chosen_variant(e, &body).is_none());
    }
}
