//! The standard workload's data (`../shared/design/benchmark.md`), generated with a fixed
//! seed: salespeople in three teams, tags, lost reasons, sources, companies, and N
//! opportunities spread over the default deal pipeline's stages (10 % lost). Used by
//! `sen demo --opportunities N` to try the board at scale, and by the benchmark (#6).
//! Rows are written straight through the store in large transactions: the use cases'
//! per-record checks (duplicates, change log, events) are for people, not for loading.

use chrono::Duration;
use sen_domain::contact::ContactValues;
use sen_domain::lead::{LeadType, LeadValues, Outcome};
use sen_domain::lookup::{AppliesTo, LookupValues};
use sen_domain::money::{CurrencyCode, Money};
use sen_store::lead_bulk::{self, BulkActivity, BulkLead};
use sen_store::leads as store_leads;
use sen_store::lookups::LookupKind;
use sen_store::{contacts as store_contacts, users as store_users};

use crate::App;
use crate::clock::{day_bounds, now};
use crate::error::{AppError, AppResult};
use crate::sales_setup::TeamInput;
use crate::secrets::hash_password;

/// Rows per transaction: big enough to amortise the commit (each rewrites the indexes'
/// upper pages; 2,000 → 10,000 made the generator ~20 % faster), small enough to keep
/// memory flat.
const BATCH: usize = 10_000;

/// The generated salespeople's time zone (their activities' due days are in it).
const GENERATED_ZONE: &str = "Asia/Ho_Chi_Minh";

/// The password every generated salesperson gets (for trying the data by hand).
pub const GENERATED_PASSWORD: &str = "sen-bench-2026";

/// What was generated and how long it took.
#[derive(Debug, Default)]
pub struct Generated {
    pub opportunities: usize,
    pub companies: usize,
    pub pipeline_id: i64,
    pub seconds: f64,
}

/// SplitMix64: a tiny generator whose sequence never changes between versions (a crate's
/// "standard" generator may), so the same seed gives the same data in every run.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Seeded(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() as i64 - 1) as usize]
    }

    /// True with probability `percent` %.
    pub fn chance(&mut self, percent: i64) -> bool {
        self.range(0, 99) < percent
    }
}

const OTHER_FAMILY: &[&str] = &["Trần", "Lê", "Phạm", "Hoàng", "王", "陳", "林", "Wu"];
const GIVEN: &[&str] = &[
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "小明",
    "美玲",
    "Linda",
    "Mike",
];

/// Where each generated opportunity goes: (stage index, outcome).
fn placement(rng: &mut Seeded) -> (usize, Outcome) {
    if rng.chance(10) {
        let stage = rng.range(0, 2) as usize;
        return (stage, Outcome::Lost);
    }
    match rng.range(0, 99) {
        0..=39 => (0, Outcome::Open),
        40..=69 => (1, Outcome::Open),
        70..=89 => (2, Outcome::Open),
        _ => (3, Outcome::Won),
    }
}

struct Setup {
    users: Vec<i64>,
    /// The team of each user (same order as `users`).
    team_of: Vec<i64>,
    tags: Vec<i64>,
    reasons: Vec<i64>,
    sources: Vec<i64>,
    activity_types: Vec<i64>,
    admin: i64,
}

impl App {
    /// Generates the standard workload with `opportunities` records; refuses to run on a
    /// workspace that already holds records (it is for fresh data directories).
    pub async fn generate_workload(&self, opportunities: usize, seed: u64) -> AppResult<Generated> {
        let started = std::time::Instant::now();
        let admin = self.system_actor().await?;
        if sen_store::leads::count_all(&mut &self.db).await? > 0 {
            return Err(AppError::Conflict("workspace_has_records"));
        }
        let pipeline = self
            .list_pipelines()
            .await?
            .into_iter()
            .find(|p| p.kind == "deal")
            .ok_or(AppError::NotFound)?;
        // Three open stages in board order and the won stage, wherever it sits.
        let open: Vec<(i64, i64)> = pipeline
            .stages
            .iter()
            .filter(|s| !s.is_won)
            .take(3)
            .map(|s| (s.id, s.probability))
            .collect();
        let won = pipeline.stages.iter().find(|s| s.is_won);
        let (Some(won), 3) = (won, open.len()) else {
            return Err(AppError::Conflict(
                "pipeline_needs_three_stages_and_a_won_one",
            ));
        };
        let stages = [open[0], open[1], open[2], (won.id, won.probability)];
        let setup = self.generate_people_and_lookups(&admin, seed).await?;
        let mut rng = Seeded::new(seed);
        let companies = (opportunities / 5).max(1);
        let company_ids = self
            .generate_companies(companies, &mut rng, setup.admin)
            .await?;
        let today = now().date_naive();
        let mut done = 0;
        while done < opportunities {
            let n = BATCH.min(opportunities - done);
            let mut tx = self.db.begin().await?;
            let (first, prefix) =
                store_leads::reserve_numbers(&mut tx, pipeline.id, n as i64).await?;
            let at = now();
            let mut batch = Vec::with_capacity(n);
            for k in 0..n {
                let i = done + k + 1;
                let who = rng.range(0, setup.users.len() as i64 - 1) as usize;
                let family = if rng.chance(5) {
                    "Nguyễn"
                } else {
                    rng.pick(OTHER_FAMILY)
                };
                let mut tags = Vec::new();
                for _ in 0..rng.range(0, 3) {
                    let t = rng.pick(&setup.tags);
                    if !tags.contains(&t) {
                        tags.push(t);
                    }
                }
                let values = LeadValues {
                    name: format!("Opportunity {i}"),
                    user_id: Some(setup.users[who]),
                    team_id: Some(setup.team_of[who]),
                    contact_id: Some(rng.pick(&company_ids)),
                    contact_name: Some(format!("{family} {}", rng.pick(GIVEN))),
                    priority: rng.range(0, 3),
                    tag_ids: tags,
                    expected_revenue: Some(Money {
                        minor: rng.range(1_000, 100_000) * 1_000,
                        currency: CurrencyCode::parse("VND").ok_or(AppError::NotFound)?,
                    }),
                    expected_closing: Some(today + Duration::days(rng.range(-365, 365))),
                    source_id: Some(rng.pick(&setup.sources)),
                    ..Default::default()
                };
                let (stage, outcome) = placement(&mut rng);
                // Two open activities on average, due within a month either side of today.
                let activities = (0..rng.range(0, 4))
                    .map(|_| {
                        let due = today + Duration::days(rng.range(-30, 30));
                        let (day_start, day_end) = day_bounds(due, GENERATED_ZONE);
                        BulkActivity {
                            activity_type_id: rng.pick(&setup.activity_types),
                            due_date: due,
                            user_id: setup.users[who],
                            day_start,
                            day_end,
                        }
                    })
                    .collect();
                batch.push(BulkLead {
                    values,
                    number: format!("{prefix}{}", first + k as i64),
                    kind: LeadType::Opportunity.as_str(),
                    pipeline_id: pipeline.id,
                    stage_id: stages[stage].0,
                    outcome: outcome.as_str(),
                    probability: match outcome {
                        Outcome::Won => 100,
                        Outcome::Lost => 0,
                        _ => stages[stage].1,
                    },
                    outcome_reason_id: (outcome == Outcome::Lost).then(|| rng.pick(&setup.reasons)),
                    closed: outcome != Outcome::Open,
                    activities,
                });
            }
            lead_bulk::insert_many(&mut tx, &batch, setup.admin, at).await?;
            tx.commit().await?;
            done += n;
        }
        self.compact_lead_sums().await?;
        lead_bulk::analyze(&self.db).await?;
        Ok(Generated {
            opportunities,
            companies,
            pipeline_id: pipeline.id,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    async fn generate_people_and_lookups(
        &self,
        admin: &crate::Actor,
        seed: u64,
    ) -> AppResult<Setup> {
        // One hash for all: argon2 is slow on purpose, twenty of them would dominate.
        let hash = hash_password(GENERATED_PASSWORD.into()).await?;
        let at = now();
        let mut users = Vec::new();
        let mut tx = self.db.begin().await?;
        for i in 1..=20 {
            let name = format!("Nhân viên {i:02}");
            let email = format!("sales{i:02}.{seed}@bench.sen");
            let id = store_users::insert(
                &mut tx,
                &store_users::NewUser {
                    name: &name,
                    email: &email,
                    password_hash: &hash,
                    role: "salesperson",
                    language: "vi",
                    time_zone: GENERATED_ZONE,
                },
                at,
            )
            .await?;
            users.push(id);
        }
        tx.commit().await?;
        let mut team_of = vec![0; users.len()];
        for (t, name) in ["Hà Nội", "Sài Gòn", "台北"].iter().enumerate() {
            let members: Vec<i64> = users.iter().copied().skip(t).step_by(3).collect();
            let team = self
                .create_team(
                    admin,
                    TeamInput {
                        name: format!("{name} {seed}"),
                        leader_id: members.first().copied(),
                        member_ids: members.clone(),
                        active: true,
                    },
                )
                .await?;
            for (i, u) in users.iter().enumerate() {
                if members.contains(u) {
                    team_of[i] = team.id;
                }
            }
        }
        let lookups = |kind, names: &[&str], applies: Option<AppliesTo>| {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            async move {
                let mut ids = Vec::new();
                let existing = self.list_lookups(kind).await?;
                for (i, name) in names.into_iter().enumerate() {
                    // Reuse what the workspace already has, so a rerun never trips on names.
                    if let Some(l) = existing.iter().find(|l| l.name == name) {
                        ids.push(l.id);
                        continue;
                    }
                    let v = LookupValues {
                        name,
                        active: true,
                        color: (kind == LookupKind::Tag).then_some(i as i64 % 12),
                        applies_to: applies,
                    };
                    ids.push(self.create_lookup(admin, kind, v).await?.id);
                }
                AppResult::Ok(ids)
            }
        };
        let tags = lookups(
            LookupKind::Tag,
            &[
                "VIP",
                "Mới",
                "Giáo dục",
                "Sản xuất",
                "重要客戶",
                "Bán lẻ",
                "Xuất khẩu",
                "Đối tác",
                "Tái ký",
                "Khẩn",
            ],
            None,
        )
        .await?;
        let reasons = lookups(
            LookupKind::LostReason,
            &[
                "Giá cao",
                "Chọn đối thủ",
                "Không có ngân sách",
                "Không liên lạc được",
                "價格太高",
            ],
            Some(AppliesTo::Deal),
        )
        .await?;
        let sources = lookups(
            LookupKind::Source,
            &["Website", "Hội chợ", "Giới thiệu"],
            None,
        )
        .await?;
        self.ensure_activity_types().await?;
        let activity_types: Vec<i64> = self
            .activity_types()
            .await?
            .into_iter()
            .filter(|t| t.active)
            .map(|t| t.id)
            .collect();
        if activity_types.is_empty() {
            return Err(AppError::Conflict("no_activity_types"));
        }
        Ok(Setup {
            users,
            team_of,
            tags,
            reasons,
            sources,
            activity_types,
            admin: admin.user_id,
        })
    }

    async fn generate_companies(&self, n: usize, rng: &mut Seeded, by: i64) -> AppResult<Vec<i64>> {
        let mut ids = Vec::with_capacity(n);
        let mut done = 0;
        while done < n {
            let batch = BATCH.min(n - done);
            let mut tx = self.db.begin().await?;
            let companies: Vec<_> = (0..batch)
                .map(|k| {
                    let i = done + k + 1;
                    let v = ContactValues {
                        name: format!(
                            "Công ty {} {i}",
                            rng.pick(&["Sen", "Mai", "Đào", "華新", "Lotus"])
                        ),
                        is_company: true,
                        ..Default::default()
                    }
                    .cleaned();
                    let d = v.derived();
                    (v, d)
                })
                .collect();
            ids.extend(store_contacts::insert_many(&mut tx, &companies, by, now()).await?);
            tx.commit().await?;
            done += batch;
        }
        Ok(ids)
    }
}
