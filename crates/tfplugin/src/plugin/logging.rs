//! tracing -> stderr as hclog JSON lines, the format go-plugin parses into
//! Terraform's levelled log (`TF_LOG`, `TF_LOG_PROVIDER`).
//!
//! The level comes from TF_LOG_PROVIDER, else TF_LOG (Terraform passes its
//! environment on); with neither, only warnings and errors are written,
//! which Terraform discards unless logging is on. Fields of enclosing spans
//! (rpc name, resource type) are added to every line.

use std::io::Write;

use serde_json::{Map, Value as Json};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::Context;
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

use super::Product;

/// Maps Terraform's level names to a filter.
pub fn level_from_env(env: impl Fn(&str) -> Option<String>) -> LevelFilter {
    let raw = env("TF_LOG_PROVIDER")
        .or_else(|| env("TF_LOG"))
        .unwrap_or_default();
    match raw.trim().to_ascii_lowercase().as_str() {
        "trace" | "json" | "1" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warn" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        "off" => LevelFilter::OFF,
        _ => LevelFilter::WARN,
    }
}

/// The product's crates log at the requested level; libraries (h2, hyper,
/// rustls, SDKs) only say what matters unless TF_LOG_PROVIDER=trace asks
/// for all.
pub fn filter(level: LevelFilter, ours: &[&str]) -> Targets {
    let libraries = if level == LevelFilter::TRACE {
        LevelFilter::DEBUG
    } else {
        level.min(LevelFilter::WARN)
    };
    ours.iter()
        .fold(Targets::new(), |t, target| t.with_target(*target, level))
        .with_default(libraries)
}

/// Installs the global subscriber writing to stderr.
pub fn init(product: &Product) {
    let level = level_from_env(|k| std::env::var(k).ok());
    let layer = HclogLayer {
        make_writer: std::io::stderr,
        module: product.log_module(),
    }
    .with_filter(filter(level, product.log_targets));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// hclog's time format, `2006-01-02T15:04:05.000000Z07:00`: go-plugin parses
/// a plugin's JSON log line only if its timestamp has exactly six fractional
/// digits; any other line reaches Terraform's log as raw text at DEBUG.
const HCLOG_TIME: &[time::format_description::FormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

pub struct HclogLayer<W> {
    pub make_writer: W,
    /// hclog's `@module`, e.g. "provider.example".
    pub module: String,
}

#[derive(Default)]
struct JsonFields(Map<String, Json>);

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), Json::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .insert(field.name().to_string(), Json::String(value.to_string()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

impl<S, W, O> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: Fn() -> O + 'static,
    O: Write,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut fields = JsonFields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<JsonFields>()
        {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        line.insert(
            "@level".into(),
            Json::from(level_name(event.metadata().level())),
        );
        line.insert("@module".into(), Json::from(self.module.as_str()));
        let ts = time::OffsetDateTime::now_utc()
            .format(HCLOG_TIME)
            .unwrap_or_default();
        line.insert("@timestamp".into(), Json::from(ts));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<JsonFields>() {
                    for (k, v) in &fields.0 {
                        line.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        let mut fields = JsonFields::default();
        event.record(&mut fields);
        let message = fields.0.remove("message").unwrap_or(Json::from(""));
        line.insert("@message".into(), message);
        line.extend(fields.0);
        let mut out = serde_json::to_vec(&Json::Object(line)).unwrap_or_default();
        out.push(b'\n');
        // One write per line so concurrent lines do not interleave.
        let _ = (self.make_writer)().write_all(&out);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_are_hclog_json_with_span_fields() {
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::registry().with(HclogLayer {
            make_writer: move || writer.clone(),
            module: "provider.example".into(),
        });
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("rpc", rpc = "PlanResourceChange");
            let _g = span.enter();
            tracing::debug!(stream = "stream-x", "waiting for stream");
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let line: Json = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["@level"], "debug");
        assert_eq!(line["@module"], "provider.example");
        assert_eq!(line["@message"], "waiting for stream");
        assert_eq!(line["rpc"], "PlanResourceChange");
        assert_eq!(line["stream"], "stream-x");
        let ts = line["@timestamp"].as_str().unwrap();
        assert!(
            regex_lite::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
                .unwrap()
                .is_match(ts),
            "hclog's format, six fractional digits: {ts}"
        );
    }

    #[test]
    fn level_follows_terraform_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "DEBUG")])),
            LevelFilter::DEBUG
        );
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "debug"), ("TF_LOG_PROVIDER", "trace")])),
            LevelFilter::TRACE
        );
        assert_eq!(level_from_env(env(&[])), LevelFilter::WARN);
    }
}
