//! Who the plugin is: the names the framework writes into messages, log
//! lines, socket directories, certificates and environment variables, given
//! once by the provider's binary.

/// A provider product, as the framework names it.
#[derive(Debug, Clone, Copy)]
pub struct Product {
    /// The provider's local name in `required_providers`, e.g. "example".
    pub name: &'static str,
    /// The binary's name, e.g. "terraform-provider-example".
    pub binary: &'static str,
    /// The binary's version, printed by `--version` and `--help`.
    pub version: &'static str,
    /// Registry address for the debug reattach line, e.g.
    /// "registry.terraform.io/example/example".
    pub address: &'static str,
    /// Prefix of the environment variables the framework reads:
    /// `<PREFIX>_PLUGIN_TRANSPORT`, `TF_<PREFIX>_CAPTURE_DIR`.
    pub env_prefix: &'static str,
    /// The crates (tracing targets) whose events follow TF_LOG_PROVIDER;
    /// other crates' events are written from WARN up.
    pub log_targets: &'static [&'static str],
    /// One sentence on what the provider manages, for `--help`.
    pub about: &'static str,
}

impl Product {
    /// Chooses the transport on any OS: `tcp` or `unix`.
    pub fn transport_env(&self) -> String {
        format!("{}_PLUGIN_TRANSPORT", self.env_prefix)
    }

    /// Development aid for golden tests (see `tfprotocol::capture`).
    pub fn capture_env(&self) -> String {
        format!("TF_{}_CAPTURE_DIR", self.env_prefix)
    }

    /// hclog's `@module` for every log line, e.g. "provider.example".
    pub fn log_module(&self) -> String {
        format!("provider.{}", self.name)
    }

    /// Printed when someone runs the binary by hand (`--help`, or without
    /// Terraform's handshake).
    pub fn not_a_command(&self) -> String {
        let Product {
            name,
            binary,
            version,
            address,
            about,
            ..
        } = self;
        let source = address.split_once('/').map_or(*address, |(_, s)| s);
        format!(
            "{binary} {version}

This binary is a plugin for Terraform: the {name} provider ({about}).
It is not meant to be run by hand; Terraform starts it. To use it, declare it
in your configuration:

    terraform {{ required_providers {{ {name} = {{ source = \"{source}\" }} }} }}

and run `terraform init`. To use a local build, point a dev_overrides block in
your CLI configuration at the folder holding this binary (see README.md).
To debug it, run it with --debug and paste the TF_REATTACH_PROVIDERS line it
prints into the shell where you run terraform."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: Product = Product {
        name: "example",
        binary: "terraform-provider-example",
        version: "1.2.3",
        address: "registry.terraform.io/acme/example",
        env_prefix: "EXAMPLE",
        log_targets: &["example_provider"],
        about: "widgets",
    };

    #[test]
    fn names_derive_from_the_product() {
        assert_eq!(EXAMPLE.transport_env(), "EXAMPLE_PLUGIN_TRANSPORT");
        assert_eq!(EXAMPLE.capture_env(), "TF_EXAMPLE_CAPTURE_DIR");
        assert_eq!(EXAMPLE.log_module(), "provider.example");
        let help = EXAMPLE.not_a_command();
        assert!(
            help.starts_with("terraform-provider-example 1.2.3\n"),
            "{help}"
        );
        assert!(help.contains("the example provider (widgets)"), "{help}");
        assert!(
            help.contains("example = { source = \"acme/example\" }"),
            "{help}"
        );
    }
}
