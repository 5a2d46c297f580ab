use metrics_exporter_prometheus::PrometheusHandle;
use sen_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: PrometheusHandle,
    /// Mark cookies `Secure` (set when served over HTTPS, `SEN_SECURE_COOKIES=1`).
    pub secure_cookies: bool,
}
