# `terraform test` for the quickstart module, against moto and chimesdk-local
# (tests/e2e/examples.rs starts them and passes the variables below with -var).
# A provider's own plan-time errors are not objects `expect_failures` can
# check; those are covered by the Rust end-to-end tests.

run "plan_shows_the_defaults_and_the_stream_arn" {
  command = plan

  assert {
    condition     = length(chimesdk_messaging_streaming_configuration.events.streaming_configuration) == 2
    error_message = "both data types are configured"
  }

  assert {
    condition = alltrue([
      for c in chimesdk_messaging_streaming_configuration.events.streaming_configuration :
      c.stream.shard_count == 2 && c.stream.kms_key_id == "alias/aws/kinesis" && c.stream.retention_period_hours == 24
    ])
    error_message = "the stream defaults are planned"
  }

  assert {
    condition = alltrue([
      for c in chimesdk_messaging_streaming_configuration.events.streaming_configuration :
      c.resource_arn == "arn:aws:kinesis:${var.region}:123456789012:stream/${var.stream_name}"
    ])
    error_message = "the managed stream's ARN is known at plan"
  }
}

run "a_stream_name_without_the_prefix_is_refused" {
  command = plan

  variables {
    stream_name = "events"
  }

  expect_failures = [var.stream_name]
}

run "a_blank_app_instance_name_is_refused" {
  command = plan

  variables {
    app_instance_name = "   "
  }

  expect_failures = [var.app_instance_name]
}

run "a_region_without_chime_sdk_messaging_is_refused" {
  command = plan

  variables {
    region = "ap-southeast-2"
  }

  expect_failures = [var.region]
}

run "apply_streams_both_data_types_to_one_stream" {
  command = apply

  assert {
    condition     = length(output.stream_arns) == 2 && output.stream_arns["Channel"] == output.stream_arns["ChannelMessage"]
    error_message = "both data types stream to the one managed stream"
  }

  assert {
    condition     = chimesdk_messaging_streaming_configuration.events.app_instance_arn == chimesdk_app_instance.this.arn
    error_message = "the stream configuration is the created AppInstance's"
  }
}
