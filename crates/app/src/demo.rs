//! `sen demo`: a small, realistic data set for trying the app — Vietnamese and Taiwanese
//! companies and people, with accents and Chinese characters.

use sen_domain::contact::ContactValues;
use sen_store::tags;

use crate::App;
use crate::auth::SetupInput;
use crate::clock::now;
use crate::error::AppResult;
use crate::users::NewUserInput;

/// The admin a demo workspace gets when `sen demo` runs before any setup.
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.sen";
pub const DEMO_PASSWORD: &str = "sen-demo-2026";

/// What the demo loaded.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub created_workspace: bool,
    pub users: usize,
    pub contacts: usize,
}

struct Company {
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    website: &'static str,
    street: &'static str,
    ward: &'static str,
    district: &'static str,
    city: &'static str,
    country: &'static str,
    tag: &'static str,
    people: &'static [(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )],
}

const COMPANIES: &[Company] = &[
    Company {
        name: "Công ty TNHH Thương mại Sen Việt",
        email: "lienhe@senviet.vn",
        phone: "028 3822 1234",
        website: "https://senviet.vn",
        street: "12 Nguyễn Huệ",
        ward: "Phường Bến Nghé",
        district: "Quận 1",
        city: "TP. Hồ Chí Minh",
        country: "Việt Nam",
        tag: "Khách hàng VIP",
        people: &[
            (
                "Nguyễn Văn An",
                "Anh",
                "Giám đốc kinh doanh",
                "an.nguyen@senviet.vn",
                "+84 912 345 678",
            ),
            (
                "Trần Thị Bích Ngọc",
                "Chị",
                "Kế toán trưởng",
                "ngoc.tran@senviet.vn",
                "0903.456.789",
            ),
        ],
    },
    Company {
        name: "Công ty Cổ phần Giáo dục Đặng Gia",
        email: "tuyensinh@danggia.edu.vn",
        phone: "024 3944 5566",
        website: "danggia.edu.vn",
        street: "88 Trần Duy Hưng",
        ward: "Phường Trung Hòa",
        district: "Quận Cầu Giấy",
        city: "Hà Nội",
        country: "Việt Nam",
        tag: "Giáo dục",
        people: &[
            (
                "Đặng Minh Đức",
                "Ông",
                "Hiệu trưởng",
                "duc.dang@danggia.edu.vn",
                "0987 654 321",
            ),
            (
                "Lê Hoàng Yến",
                "Chị",
                "Trưởng phòng tuyển sinh",
                "yen.le@danggia.edu.vn",
                "0912-111-222",
            ),
        ],
    },
    Company {
        name: "客戶關係管理有限公司",
        email: "service@crm-tw.example",
        phone: "02-2345-6789",
        website: "https://crm-tw.example",
        street: "信義路五段7號",
        ward: "",
        district: "信義區",
        city: "臺北市",
        country: "臺灣",
        tag: "重要客戶",
        people: &[
            (
                "吳琳達 Linda Wu",
                "Ms",
                "採購經理",
                "linda.wu@crm-tw.example",
                "+886 912 345 678",
            ),
            (
                "陳志明",
                "Mr",
                "業務副總",
                "chen.zm@crm-tw.example",
                "0922-333-444",
            ),
        ],
    },
    Company {
        name: "高雄織品股份有限公司",
        email: "sales@ks-textile.example",
        phone: "07-555-1234",
        website: "ks-textile.example",
        street: "中山二路100號",
        ward: "",
        district: "前鎮區",
        city: "高雄市",
        country: "臺灣",
        tag: "製造業",
        people: &[(
            "Mike Lin 林麥克",
            "Mr",
            "Owner",
            "mike@ks-textile.example",
            "0933-200-200",
        )],
    },
];

const USERS: &[(&str, &str, &str, &str)] = &[
    ("Phạm Thu Chi", "chi@demo.sen", "salesperson", "vi"),
    ("Võ Quốc Bảo", "bao@demo.sen", "team_leader", "vi"),
    ("林怡君", "yijun@demo.sen", "salesperson", "zh-TW"),
    ("Sarah Manager", "sarah@demo.sen", "manager", "en"),
];

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl App {
    /// The Caresoft deal process (seed 003) and a university's admissions pipeline (seed 002),
    /// with Vietnamese names; skipped when a pipeline of that name exists.
    async fn load_demo_pipelines(&self, admin: &crate::Actor) -> AppResult<()> {
        use sen_domain::pipeline::{self, PipelineKind, PipelineValues, StageValues};
        let existing: Vec<String> = self
            .list_pipelines()
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        for (name, prefix, templates) in [
            (
                "Quy trình bán hàng Caresoft",
                "CS-",
                pipeline::CARESOFT_DEAL_STAGES,
            ),
            ("Tuyển sinh đại học", "TS-", pipeline::ADMISSIONS_STAGES),
        ] {
            if existing.iter().any(|n| n == name) {
                continue;
            }
            let stages = templates
                .iter()
                .map(|t| StageValues {
                    name: pipeline::template_name(t, "vi").into(),
                    probability: t.probability,
                    is_won: t.is_won,
                    folded: t.is_won,
                    ..Default::default()
                })
                .collect();
            let v = PipelineValues {
                name: name.into(),
                kind: Some(PipelineKind::Deal),
                number_prefix: prefix.into(),
                lost_reason_required: true,
                ..Default::default()
            };
            self.create_pipeline(admin, v, Some(stages)).await?;
        }
        Ok(())
    }

    /// A few leads and opportunities in the default pipelines (seed 004's T-shirt order
    /// among them); skipped when any lead exists.
    async fn load_demo_leads(&self, admin: &crate::Actor, owners: &[i64]) -> AppResult<()> {
        use sen_domain::lead::{LeadType, LeadValues};
        use sen_domain::money::Money;
        if self
            .list_leads(admin, &crate::contacts::ListParams::default())
            .await?
            .total
            > 0
        {
            return Ok(());
        }
        let deals: &[(&str, &str, &str, &str, i64)] = &[
            (
                "Mike đặt 200 áo thun",
                "78000",
                "VND",
                "高雄織品股份有限公司",
                2,
            ),
            (
                "Phần mềm CRM cho 50 nhân viên",
                "250000000",
                "VND",
                "Công ty TNHH Thương mại Sen Việt",
                3,
            ),
            ("系統導入專案", "1200000", "TWD", "客戶關係管理有限公司", 1),
            (
                "Gói đào tạo tuyển sinh 2027",
                "45000000",
                "VND",
                "Công ty Cổ phần Giáo dục Đặng Gia",
                0,
            ),
        ];
        for (i, (name, amount, currency, company, priority)) in deals.iter().enumerate() {
            let v = LeadValues {
                name: (*name).into(),
                company_name: Some((*company).into()),
                expected_revenue: Money::parse(amount, currency).ok(),
                priority: *priority,
                user_id: owners.get(i % owners.len().max(1)).copied(),
                ..Default::default()
            };
            let placement = crate::leads::Placement {
                kind: Some(LeadType::Opportunity),
                ..Default::default()
            };
            self.create_lead(admin, placement, v).await?;
        }
        let leads: &[(&str, &str, &str)] = &[
            (
                "Phụ huynh hỏi học phí ngành CNTT",
                "Trần Văn Minh",
                "0903 111 222",
            ),
            ("Khách hỏi giá qua Zalo", "Lê Thị Thu", "0912 888 999"),
            ("官網詢價：團體制服", "王小明", "0922-123-456"),
        ];
        for (name, contact, phone) in leads {
            let v = LeadValues {
                name: (*name).into(),
                contact_name: Some((*contact).into()),
                phone: Some((*phone).into()),
                user_id: None,
                ..Default::default()
            };
            self.create_lead(admin, crate::leads::Placement::default(), v)
                .await?;
        }
        Ok(())
    }

    /// Sets up a workspace with the demo admin when there is none; true when it did.
    pub async fn ensure_demo_workspace(&self) -> AppResult<bool> {
        if self.is_set_up().await? {
            return Ok(false);
        }
        self.setup(SetupInput {
            workspace_name: Some("Sen Demo".into()),
            language: Some("vi".into()),
            currency: Some("VND".into()),
            time_zone: Some("Asia/Ho_Chi_Minh".into()),
            admin_name: Some("Quản trị viên".into()),
            admin_email: Some(DEMO_ADMIN_EMAIL.into()),
            admin_password: Some(DEMO_PASSWORD.into()),
        })
        .await?;
        Ok(true)
    }

    /// Loads the demo data; running it twice adds nothing the second time.
    pub async fn load_demo(&self) -> AppResult<DemoReport> {
        let mut report = DemoReport {
            created_workspace: self.ensure_demo_workspace().await?,
            ..Default::default()
        };
        let admin = self.system_actor().await?;
        let existing = self.user_names().await?;
        let mut owners = Vec::new();
        for (name, email, role, lang) in USERS {
            if let Some((id, _)) = existing.iter().find(|(_, n)| n == name) {
                owners.push(*id);
                continue;
            }
            let tz = if *lang == "zh-TW" {
                "Asia/Taipei"
            } else {
                "Asia/Ho_Chi_Minh"
            };
            let u = self
                .create_user(
                    &admin,
                    NewUserInput {
                        name: Some((*name).into()),
                        email: Some((*email).into()),
                        password: Some(DEMO_PASSWORD.into()),
                        role: Some((*role).into()),
                        language: Some((*lang).into()),
                        time_zone: Some(tz.into()),
                    },
                )
                .await?;
            owners.push(u.id);
            report.users += 1;
        }
        self.load_demo_pipelines(&admin).await?;
        self.load_demo_leads(&admin, &owners).await?;
        let already = self
            .list_contacts(
                &admin,
                &crate::contacts::ListParams {
                    q: Some(COMPANIES[0].name.into()),
                    ..Default::default()
                },
            )
            .await?;
        if already.total > 0 {
            return Ok(report);
        }
        for (i, co) in COMPANIES.iter().enumerate() {
            let owner = owners.get(i % owners.len().max(1)).copied();
            let tag_id = {
                let mut tx = self.db.begin().await?;
                let id = tags::ensure(&mut tx, co.tag, i as i64 + 1, now()).await?;
                tx.commit().await?;
                id
            };
            let company = self
                .create_contact(
                    &admin,
                    ContactValues {
                        name: co.name.into(),
                        is_company: true,
                        email: opt(co.email),
                        phone: opt(co.phone),
                        website: opt(co.website),
                        street: opt(co.street),
                        ward: opt(co.ward),
                        district: opt(co.district),
                        city: opt(co.city),
                        country: opt(co.country),
                        owner_id: owner,
                        tag_ids: vec![tag_id],
                        ..Default::default()
                    },
                )
                .await?;
            report.contacts += 1;
            for (name, salutation, job, email, mobile) in co.people {
                self.create_contact(
                    &admin,
                    ContactValues {
                        name: (*name).into(),
                        company_id: Some(company.contact.id),
                        salutation: opt(salutation),
                        job_position: opt(job),
                        email: opt(email),
                        mobile: opt(mobile),
                        city: opt(co.city),
                        country: opt(co.country),
                        owner_id: owner,
                        ..Default::default()
                    },
                )
                .await?;
                report.contacts += 1;
            }
        }
        Ok(report)
    }
}
