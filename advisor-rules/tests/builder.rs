//! Conditions built in code read as the rule language writes them, so a built pack can be
//! printed, reviewed and loaded as a file.

use scalability_advisor_rules::scalability_advisor_core::units::Ratio;
use scalability_advisor_rules::scalability_advisor_core::{Component, Metric};
use scalability_advisor_rules::{Cond, Operand};

#[test]
fn a_built_condition_prints_as_the_rule_language() {
    let busy = Operand::metric(Metric::DbCpu).gt(Ratio::from_percent(80.0).unwrap());
    let cond = busy.and(Cond::has(Component::Cache).not());
    assert_eq!(cond.to_string(), "(db_cpu > 80%) and (not (has(cache)))");
}
