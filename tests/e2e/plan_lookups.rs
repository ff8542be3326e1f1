//! Plan cost that does not grow with the number of resources: many
//! AppInstances (one per tenant) streaming to one shared stream make one
//! DescribeStreamSummary per plan; apply still checks each afresh before
//! writing.

use test_support::env::{Env, referenced};
use test_support::proxy::Proxy;

const TENANTS: usize = 40;

#[test]
fn forty_resources_sharing_a_stream_look_it_up_once_per_plan() {
    let env = Env::new();
    let ws = env.stack();
    let shared = env.aws.create_stream("chime-messaging-shared", 2, true);
    let mut apps = vec![env.app.clone()];
    for i in 1..TENANTS {
        apps.push(env.aws.create_app_instance(&format!("tenant-{i}")));
    }
    let mut tf = env.provider();
    for (i, app) in apps.iter().enumerate() {
        tf += &format!(
            "\nresource \"chimesdk_messaging_streaming_configuration\" \"tenant_{i}\" {{\n  app_instance_arn = \"{app}\"\n{}}}\n",
            referenced("ChannelMessage", &shared)
        );
    }
    ws.write("main.tf", &tf);
    env.kinesis.take_calls();
    env.chime.take_calls();

    assert_eq!(ws.plan_exit().code, 2);
    let kinesis = env.kinesis.take_calls();
    let chime = env.chime.take_calls();
    assert_eq!(
        Proxy::count(&kinesis, "DescribeStreamSummary"),
        1,
        "one lookup of the shared stream for {TENANTS} resources: {kinesis:?}"
    );
    assert_eq!(
        Proxy::count(&chime, "DescribeAppInstance"),
        TENANTS,
        "one per AppInstance"
    );

    ws.apply().assert_ok();
    let kinesis = env.kinesis.take_calls();
    assert_eq!(
        Proxy::count(&kinesis, "DescribeStreamSummary"),
        2 + TENANTS,
        "apply's plan, and Terraform's re-plan in the apply walk (another provider process), look once each; \
         every resource's apply checks again before writing"
    );
    for app in &apps {
        assert_eq!(
            env.aws.streaming_configuration(app).map(|c| c.len()),
            Some(1)
        );
    }
    assert_eq!(ws.plan_exit().code, 0);
    let kinesis = env.kinesis.take_calls();
    assert_eq!(
        Proxy::count(&kinesis, "DescribeStreamSummary"),
        1,
        "an up-to-date plan: one lookup"
    );
}
