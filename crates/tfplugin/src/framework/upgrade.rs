//! State upgrades: a resource declares its schema version and, for each
//! version it has left behind, the step that rewrites a stored state of
//! that version into the next. UpgradeResourceState runs the steps from
//! the stored version to the current one, on the state's JSON; the state is
//! then read under the current schema (attributes it no longer has are
//! dropped, new ones are null).

use serde_json::{Map, Value as Json};

use super::diag::Diagnostics;

/// Rewrites a stored state of `from_version` into `from_version + 1`.
#[derive(Clone, Copy)]
pub struct StateUpgrade {
    pub from_version: i64,
    /// What changed, for the log.
    pub what: &'static str,
    /// The state's attributes, changed in place; `Err(why)` when this state
    /// cannot be upgraded.
    pub upgrade: fn(&mut Map<String, Json>) -> Result<(), String>,
}

/// `state` (stored at `version`) brought to `current` by `steps`.
pub fn upgrade_state(
    type_name: &str,
    version: i64,
    current: i64,
    steps: &[StateUpgrade],
    state: Json,
) -> Result<Json, Diagnostics> {
    let mut diags = Diagnostics::new();
    if version > current {
        diags.error(
            "State written by a newer provider",
            format!(
                "The stored {type_name} has schema version {version}; this provider knows versions up to {current}. \
                 Use the provider version that wrote the state, or a newer one."
            ),
        );
        return Err(diags);
    }
    if version == current {
        return Ok(state);
    }
    let Json::Object(mut attrs) = state else {
        diags.error(
            "Stored state is not an object",
            format!("The stored {type_name} is not a JSON object, so it cannot be upgraded; please report this."),
        );
        return Err(diags);
    };
    for from in version..current {
        let Some(step) = steps.iter().find(|s| s.from_version == from) else {
            diags.error(
                "No state upgrade",
                format!(
                    "The stored {type_name} has schema version {from}, and this provider has no upgrade from it to \
                     {}. This is a bug in the provider; please report it.",
                    from + 1
                ),
            );
            return Err(diags);
        };
        if let Err(why) = (step.upgrade)(&mut attrs) {
            diags.error(
                "Cannot upgrade the stored state",
                format!(
                    "Upgrading the stored {type_name} from schema version {from} ({}) failed: {why}.",
                    step.what
                ),
            );
            return Err(diags);
        }
        tracing::info!(
            type_name,
            from,
            to = from + 1,
            what = step.what,
            "upgraded the stored state"
        );
    }
    Ok(Json::Object(attrs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rename_size(attrs: &mut Map<String, Json>) -> Result<(), String> {
        let size = attrs.remove("size").ok_or("no size")?;
        attrs.insert("dimensions".into(), json!({ "width": size }));
        Ok(())
    }

    fn add_unit(attrs: &mut Map<String, Json>) -> Result<(), String> {
        if let Some(Json::Object(d)) = attrs.get_mut("dimensions") {
            d.insert("unit".into(), json!("cm"));
        }
        Ok(())
    }

    const STEPS: &[StateUpgrade] = &[
        StateUpgrade {
            from_version: 1,
            what: "dimensions get a unit",
            upgrade: add_unit,
        },
        StateUpgrade {
            from_version: 0,
            what: "size becomes dimensions.width",
            upgrade: rename_size,
        },
    ];

    #[test]
    fn steps_run_in_version_order_from_the_stored_version() {
        let v0 = json!({ "id": "w1", "size": 3 });
        assert_eq!(
            upgrade_state("toy", 0, 2, STEPS, v0).unwrap(),
            json!({ "id": "w1", "dimensions": { "width": 3, "unit": "cm" } })
        );
        let v1 = json!({ "id": "w1", "dimensions": { "width": 4 } });
        assert_eq!(
            upgrade_state("toy", 1, 2, STEPS, v1).unwrap(),
            json!({ "id": "w1", "dimensions": { "width": 4, "unit": "cm" } })
        );
        let v2 = json!({ "id": "w1" });
        assert_eq!(upgrade_state("toy", 2, 2, STEPS, v2.clone()).unwrap(), v2);
    }

    #[test]
    fn a_newer_state_a_missing_step_and_a_failed_step_are_errors() {
        let newer = upgrade_state("toy", 3, 2, STEPS, json!({})).unwrap_err();
        assert!(newer.0[0].summary.contains("newer provider"));
        let missing = upgrade_state("toy", 0, 1, &STEPS[..1], json!({})).unwrap_err();
        assert!(missing.0[0].detail.contains("no upgrade from it to 1"));
        let failed = upgrade_state("toy", 0, 1, STEPS, json!({ "id": "w1" })).unwrap_err();
        assert!(failed.0[0].detail.contains("no size"), "{:?}", failed.0[0]);
    }
}
