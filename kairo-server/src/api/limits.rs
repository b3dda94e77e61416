//! Request rate limits per caller: each end user gets the requests per minute of their subscription plan
//! (`rate_limits`, with `rate_limit_default` for plans not listed), the service token `rate_limit_service` (0: no
//! limit). Limits are kept in this process (a generic cell rate algorithm, the governor crate): with several
//! replicas behind a load balancer, each one allows that rate. A refused request gets 429 with `Retry-After`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use super::auth::Principal;
use crate::config::Config;
use crate::error::ApiError;
use crate::store::Store;

/// How long a user's plan is remembered before it is read again.
const PLAN_TTL: Duration = Duration::from_secs(30);

/// Client addresses remembered by the anonymous limiter past which those idle long enough are forgotten.
const MAX_ADDRESSES: usize = 10_000;

/// The limiters of one process.
#[derive(Clone)]
pub struct Limits {
    /// Requests without a valid token, per client address (`None`: no limit).
    anonymous: Option<(u32, Arc<DefaultKeyedRateLimiter<std::net::IpAddr>>)>,
    /// One keyed limiter per requests-per-minute figure in use.
    limiters: Arc<Mutex<HashMap<u32, Arc<DefaultKeyedRateLimiter<String>>>>>,
    plans: Arc<Mutex<HashMap<Uuid, (String, Instant)>>>,
    per_plan: Arc<std::collections::BTreeMap<String, u32>>,
    default: u32,
    service: u32,
}

impl Limits {
    /// The limits of `config`.
    pub fn new(config: &Config) -> Self {
        Limits {
            anonymous: NonZeroU32::new(config.rate_limit_anonymous)
                .map(|rate| (config.rate_limit_anonymous, Arc::new(RateLimiter::keyed(Quota::per_minute(rate))))),
            limiters: Arc::default(),
            plans: Arc::default(),
            per_plan: Arc::new(config.rate_limits.clone()),
            default: config.rate_limit_default,
            service: config.rate_limit_service,
        }
    }

    async fn plan(&self, store: &Store, user: Uuid) -> Result<String, ApiError> {
        if let Some((plan, at)) = self.plans.lock().ok().and_then(|m| m.get(&user).cloned()) {
            if at.elapsed() < PLAN_TTL {
                return Ok(plan);
            }
        }
        let plan = store.user(user).await?.map_or_else(|| "free".to_owned(), |u| u.subscription_plan);
        if let Ok(mut m) = self.plans.lock() {
            m.insert(user, (plan.clone(), Instant::now()));
        }
        Ok(plan)
    }

    /// For a request without a valid token (a public endpoint, or one refused 401/403) from `address`: `None`
    /// when it may go on, else the 429 response (`rate_limit_anonymous` a minute per client address).
    pub fn check_address(&self, address: Option<std::net::IpAddr>) -> Option<Response> {
        let ((per_minute, limiter), address) = (self.anonymous.as_ref()?, address?);
        if limiter.len() > MAX_ADDRESSES {
            limiter.retain_recent();
        }
        let Err(not_until) = limiter.check_key(&address) else { return None };
        Some(too_many(*per_minute, not_until.wait_time_from(DefaultClock::default().now())))
    }

    /// `None` when the request may go on; else the 429 response.
    pub async fn check(&self, store: &Store, principal: Principal) -> Result<Option<Response>, ApiError> {
        let (key, per_minute) = match principal {
            Principal::Service => ("service".to_owned(), self.service),
            Principal::User(id) => {
                let plan = self.plan(store, id).await?;
                let rate = self.per_plan.get(&plan).copied().unwrap_or(self.default);
                (format!("user:{id}"), rate)
            }
        };
        let Some(rate) = NonZeroU32::new(per_minute) else { return Ok(None) };
        let limiter = match self.limiters.lock() {
            Ok(mut m) => {
                m.entry(per_minute).or_insert_with(|| Arc::new(RateLimiter::keyed(Quota::per_minute(rate)))).clone()
            }
            Err(_) => return Ok(None),
        };
        let Err(not_until) = limiter.check_key(&key) else { return Ok(None) };
        Ok(Some(too_many(per_minute, not_until.wait_time_from(DefaultClock::default().now()))))
    }
}

/// 429 `rate_limited` with `Retry-After`.
fn too_many(per_minute: u32, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("more than {per_minute} requests a minute; retry in {seconds} s"),
    )
    .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}
