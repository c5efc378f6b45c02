//! What both benches' reports compute from their rounds: medians, per-round ratios of
//! qport to its baseline, verdicts, and numbers written for reading.

/// A measurement taken in one round of a run.
pub trait InRound {
    fn round(&self) -> usize;
}

/// `f(qport) / f(baseline)` for each round both were measured in.
pub fn ratios<M: InRound>(qport: &[&M], baseline: &[&M], f: impl Fn(&M) -> f64) -> Vec<f64> {
    qport
        .iter()
        .filter_map(|q| {
            let b = baseline.iter().find(|b| b.round() == q.round())?;
            Some(f(q) / f(b))
        })
        .collect()
}

/// The median ratio, then each round's in brackets: `1.04× [1.10, 0.98, 1.04]`.
pub fn ratio_cell<M: InRound>(qport: &[&M], baseline: &[&M], f: impl Fn(&M) -> f64) -> String {
    let each = ratios(qport, baseline, f);
    let rounds: Vec<String> = each.iter().map(|r| format!("{r:.2}")).collect();
    format!("{:.2}× [{}]", median(each.clone()), rounds.join(", "))
}

pub fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

pub fn median_of<M>(runs: &[&M], f: impl Fn(&M) -> f64) -> f64 {
    median(runs.iter().map(|m| f(m)).collect())
}

/// The middle value (the mean of the two middle ones for an even count); NaN for none.
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// A whole number with thousands separators: `1234567.8` → `1,234,568`.
pub fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let digits = format!("{:.0}", value.abs());
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if value < 0.0 && digits != "0" {
        grouped.insert(0, '-');
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(vec![]).is_nan());
    }

    #[test]
    fn thousands_groups_digits_and_keeps_the_sign() {
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(-2_500.0), "-2,500");
        assert_eq!(thousands(-0.2), "0");
    }
}
