//! Lambda functions and their execution roles on moto, for the channel
//! flow tests: moto stores functions (Active at once) and their resource
//! policies without running them.

use serde_json::json;

use crate::aws::Aws;

/// The smallest valid zip archive (an empty one): moto keeps the code, it
/// never runs it.
const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

impl Aws {
    fn lambda(&self) -> aws_sdk_lambda::Client {
        let conf = aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "test", "test", None, None, "tests",
            ))
            .endpoint_url(&self.moto_url)
            .http_client(crate::paths::http_client())
            .build();
        aws_sdk_lambda::Client::from_conf(conf)
    }

    /// A function `name` whose execution role (`NAME-role`) has one inline
    /// policy, `role_policy` (none when `None`). Returns the function ARN.
    pub fn create_function(&self, name: &str, role_policy: Option<&str>) -> String {
        let role = format!("{name}-role");
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        self.block_on(async {
            let role_arn = self
                .iam
                .create_role()
                .role_name(&role)
                .assume_role_policy_document(trust.to_string())
                .send()
                .await
                .unwrap()
                .role()
                .unwrap()
                .arn()
                .to_string();
            if let Some(policy) = role_policy {
                self.iam
                    .put_role_policy()
                    .role_name(&role)
                    .policy_name("processor")
                    .policy_document(policy)
                    .send()
                    .await
                    .unwrap();
            }
            let out = self
                .lambda()
                .create_function()
                .function_name(name)
                .runtime(aws_sdk_lambda::types::Runtime::Python311)
                .role(role_arn)
                .handler("index.handler")
                .code(
                    aws_sdk_lambda::types::FunctionCode::builder()
                        .zip_file(aws_smithy_types::Blob::new(EMPTY_ZIP))
                        .build(),
                )
                .send()
                .await
                .unwrap();
            out.function_arn().unwrap().to_string()
        })
    }

    /// AddPermission: `principal` may invoke the function for
    /// `source_arn` from account 123456789012.
    pub fn allow_invoke(&self, function: &str, principal: &str, source_arn: &str) {
        self.block_on(async {
            self.lambda()
                .add_permission()
                .function_name(function)
                .statement_id(format!("allow-{}", uuid::Uuid::new_v4().simple()))
                .action("lambda:InvokeFunction")
                .principal(principal)
                .source_account("123456789012")
                .source_arn(source_arn)
                .send()
                .await
                .unwrap()
        });
    }

    pub fn delete_function(&self, function: &str) {
        self.block_on(async {
            self.lambda()
                .delete_function()
                .function_name(function)
                .send()
                .await
                .unwrap()
        });
    }
}
