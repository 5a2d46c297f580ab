//! Issue #7 part 2: the access matrix. Every resource and action, for each role — admin,
//! manager, team leader, salesperson, signed out and a revoked token — against records that
//! are the actor's own, a teammate's, another team's and nobody's. The expected answers are
//! the one table below; the test runs every cell through the API and reports every
//! difference, then checks that `docs/security.md` shows the same table
//! (`SEN_UPDATE_DOCS=1` rewrites it).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Manager,
    Leader,
    Sales,
    SignedOut,
    Revoked,
}

const WHO: [Who; 6] = [
    Who::Admin,
    Who::Manager,
    Who::Leader,
    Who::Sales,
    Who::SignedOut,
    Who::Revoked,
];

/// Whose record a cell acts on, seen from the actor (signed out and revoked act on the
/// salesperson's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Own,
    Teammate,
    OtherTeam,
    Nobody,
    /// Not about one record (settings, reports).
    Any,
}

impl Rel {
    fn label(self) -> &'static str {
        match self {
            Rel::Own => "own",
            Rel::Teammate => "a teammate's",
            Rel::OtherTeam => "another team's",
            Rel::Nobody => "unassigned",
            Rel::Any => "—",
        }
    }
}

struct Cell {
    resource: &'static str,
    action: &'static str,
    rel: Rel,
    /// Answers for admin, manager, team leader, salesperson, signed out, revoked token.
    /// For "appears in the list": 200 listed, 404 left out.
    expect: [u16; 6],
}

const fn cell(resource: &'static str, action: &'static str, rel: Rel, expect: [u16; 6]) -> Cell {
    Cell {
        resource,
        action,
        rel,
        expect,
    }
}

use Rel::{Any, Nobody, OtherTeam, Own, Teammate};

/// The access rules (R4.3): salespeople see and change their own and unassigned records,
/// team leaders also their teams', managers and admins everything; a record one may not
/// see is "not found", one one may see but not do this to is "forbidden". Contacts are
/// read by all and changed by their owner (or by anyone when nobody owns them).
const MATRIX: &[Cell] = &[
    cell("lead", "read", Own, [200, 200, 200, 200, 401, 401]),
    cell("lead", "read", Teammate, [200, 200, 200, 404, 401, 401]),
    cell("lead", "read", OtherTeam, [200, 200, 404, 404, 401, 401]),
    cell("lead", "read", Nobody, [200, 200, 200, 200, 401, 401]),
    cell(
        "lead",
        "appears in the list",
        Own,
        [200, 200, 200, 200, 401, 401],
    ),
    cell(
        "lead",
        "appears in the list",
        Teammate,
        [200, 200, 200, 404, 401, 401],
    ),
    cell(
        "lead",
        "appears in the list",
        OtherTeam,
        [200, 200, 404, 404, 401, 401],
    ),
    cell(
        "lead",
        "appears in the list",
        Nobody,
        [200, 200, 200, 200, 401, 401],
    ),
    cell("lead", "change", Own, [200, 200, 200, 200, 401, 401]),
    cell("lead", "change", Teammate, [200, 200, 200, 404, 401, 401]),
    cell("lead", "change", OtherTeam, [200, 200, 404, 404, 401, 401]),
    cell("lead", "change", Nobody, [200, 200, 200, 200, 401, 401]),
    cell("lead", "mark lost", Own, [200, 200, 200, 200, 401, 401]),
    cell(
        "lead",
        "mark lost",
        OtherTeam,
        [200, 200, 404, 404, 401, 401],
    ),
    cell("lead", "delete", Own, [204, 204, 403, 403, 401, 401]),
    cell("lead", "delete", Teammate, [204, 204, 403, 404, 401, 401]),
    cell("lead", "delete", OtherTeam, [204, 204, 404, 404, 401, 401]),
    cell("lead", "delete", Nobody, [204, 204, 403, 403, 401, 401]),
    cell("lead", "post a note", Own, [201, 201, 201, 201, 401, 401]),
    cell(
        "lead",
        "post a note",
        Teammate,
        [201, 201, 201, 404, 401, 401],
    ),
    cell(
        "lead",
        "post a note",
        OtherTeam,
        [201, 201, 404, 404, 401, 401],
    ),
    cell(
        "lead",
        "schedule an activity",
        Own,
        [201, 201, 201, 201, 401, 401],
    ),
    cell(
        "lead",
        "schedule an activity",
        OtherTeam,
        [201, 201, 404, 404, 401, 401],
    ),
    cell("lead", "follow", Own, [200, 200, 200, 200, 401, 401]),
    cell("lead", "follow", OtherTeam, [200, 200, 404, 404, 401, 401]),
    cell(
        "lead",
        "read its timeline",
        Own,
        [200, 200, 200, 200, 401, 401],
    ),
    cell(
        "lead",
        "read its timeline",
        OtherTeam,
        [200, 200, 404, 404, 401, 401],
    ),
    cell("lead", "attach a file", Own, [201, 201, 201, 201, 401, 401]),
    cell(
        "lead",
        "attach a file",
        OtherTeam,
        [201, 201, 404, 404, 401, 401],
    ),
    cell(
        "activity on the lead",
        "mark done",
        Own,
        [200, 200, 200, 200, 401, 401],
    ),
    cell(
        "activity on the lead",
        "mark done",
        OtherTeam,
        [200, 200, 404, 404, 401, 401],
    ),
    cell(
        "meeting on the lead (organised by an admin)",
        "read",
        Own,
        [200, 200, 200, 200, 401, 401],
    ),
    cell(
        "meeting on the lead (organised by an admin)",
        "read",
        OtherTeam,
        [200, 200, 404, 404, 401, 401],
    ),
    cell(
        "meeting on the lead (organised by an admin)",
        "change",
        Own,
        [200, 200, 403, 403, 401, 401],
    ),
    cell("contact", "read", Own, [200, 200, 200, 200, 401, 401]),
    cell("contact", "read", OtherTeam, [200, 200, 200, 200, 401, 401]),
    cell("contact", "read", Nobody, [200, 200, 200, 200, 401, 401]),
    cell("contact", "change", Own, [200, 200, 200, 200, 401, 401]),
    cell(
        "contact",
        "change",
        OtherTeam,
        [200, 200, 403, 403, 401, 401],
    ),
    cell("contact", "change", Nobody, [200, 200, 200, 200, 401, 401]),
    cell("contact", "delete", Own, [204, 204, 204, 204, 401, 401]),
    cell(
        "contact",
        "delete",
        OtherTeam,
        [204, 204, 403, 403, 401, 401],
    ),
    cell("contact", "delete", Nobody, [204, 204, 403, 403, 401, 401]),
    cell("board", "read", Any, [200, 200, 200, 200, 401, 401]),
    cell(
        "pipeline report",
        "read",
        Any,
        [200, 200, 200, 200, 401, 401],
    ),
    cell(
        "leads",
        "import a CSV file",
        Any,
        [201, 201, 403, 403, 401, 401],
    ),
    cell("tag", "create", Any, [201, 201, 201, 201, 401, 401]),
    cell("lost reason", "create", Any, [201, 201, 403, 403, 401, 401]),
    cell("team", "create", Any, [201, 201, 403, 403, 401, 401]),
    cell("pipeline", "create", Any, [201, 201, 403, 403, 401, 401]),
    cell("currency rate", "set", Any, [200, 200, 403, 403, 401, 401]),
    cell("users", "list", Any, [200, 403, 403, 403, 401, 401]),
    cell("user", "create", Any, [201, 403, 403, 403, 401, 401]),
    cell("mail settings", "read", Any, [200, 403, 403, 403, 401, 401]),
    cell("outgoing mail", "list", Any, [200, 403, 403, 403, 401, 401]),
    cell(
        "workspace",
        "download a backup",
        Any,
        [200, 403, 403, 403, 401, 401],
    ),
    cell("saved view", "create", Any, [201, 201, 201, 201, 401, 401]),
    cell(
        "an admin's shared saved view",
        "rename",
        Any,
        [200, 403, 403, 403, 401, 401],
    ),
    cell(
        "an admin's shared saved view",
        "delete",
        Any,
        [204, 403, 403, 403, 401, 401],
    ),
    cell("own profile", "read", Any, [200, 200, 200, 200, 401, 401]),
];

/// The actors and the people records belong to.
struct World {
    clients: Vec<Client>,
    ids: std::collections::HashMap<&'static str, i64>,
    team_a: i64,
    team_b: i64,
    activity_type: i64,
    counter: std::cell::Cell<u32>,
}

impl World {
    fn admin(&self) -> &Client {
        &self.clients[0]
    }

    fn client(&self, who: Who) -> &Client {
        &self.clients[WHO.iter().position(|w| *w == who).unwrap()]
    }

    /// (user, team) of the record that is `rel` to `who`.
    fn owner(&self, who: Who, rel: Rel) -> (Option<i64>, Option<i64>) {
        let me = match who {
            Who::Admin => "admin",
            Who::Manager => "manager",
            Who::Leader => "leader",
            Who::Sales | Who::SignedOut | Who::Revoked => "sales",
        };
        let team_of_me = matches!(me, "leader" | "sales").then_some(self.team_a);
        match rel {
            Rel::Own => (Some(self.ids[me]), team_of_me),
            Rel::Teammate => (Some(self.ids["teammate"]), Some(self.team_a)),
            Rel::OtherTeam => (Some(self.ids["other"]), Some(self.team_b)),
            Rel::Nobody | Rel::Any => (None, None),
        }
    }

    fn unique(&self, prefix: &str) -> String {
        self.counter.set(self.counter.get() + 1);
        format!("{prefix}mx{}q", self.counter.get())
    }

    async fn lead(&self, who: Who, rel: Rel) -> (i64, String) {
        let (user, team) = self.owner(who, rel);
        let name = self.unique("Cơ hội ");
        let a = self
            .admin()
            .post(
                "/api/v1/leads",
                json!({"name": name, "type": "opportunity", "user_id": user, "team_id": team}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        (a.json()["id"].as_i64().unwrap(), name)
    }

    async fn contact(&self, who: Who, rel: Rel) -> i64 {
        let (owner, _) = self.owner(who, rel);
        let a = self
            .admin()
            .post(
                "/api/v1/contacts",
                json!({"name": self.unique("Khách "), "owner_id": owner}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.json()["id"].as_i64().unwrap()
    }

    /// Runs one cell for one actor; the answer's status.
    async fn run(&self, c: &Cell, who: Who) -> u16 {
        let me = self.client(who);
        let status = |a: Answer| a.status.as_u16();
        match (c.resource, c.action) {
            ("lead", action) => {
                let (id, name) = self.lead(who, c.rel).await;
                let path = format!("/api/v1/leads/{id}");
                match action {
                    "read" => status(me.get(&path).await),
                    "appears in the list" => {
                        let a = me.get(&format!("/api/v1/leads?q={}", name.split(' ').nth(2).unwrap_or(&name))).await;
                        match a.status {
                            StatusCode::OK if a.json()["total"] == 1 => 200,
                            StatusCode::OK => 404,
                            other => other.as_u16(),
                        }
                    }
                    "change" => status(
                        me.send(Method::PATCH, &path, Some(json!({"version": 1, "priority": 2})))
                            .await,
                    ),
                    "mark lost" => status(me.post(&format!("{path}/lost"), json!({})).await),
                    "delete" => status(me.send(Method::DELETE, &path, None).await),
                    "post a note" => status(
                        me.post(
                            &format!("/api/v1/records/lead/{id}/notes"),
                            json!({"body": "Đã gọi điện"}),
                        )
                        .await,
                    ),
                    "schedule an activity" => status(
                        me.post(
                            "/api/v1/activities",
                            json!({"record_type": "lead", "record_id": id, "summary": "Gọi lại",
                                   "due_date": "2026-12-01", "activity_type_id": self.activity_type}),
                        )
                        .await,
                    ),
                    // 201 starts following, 200 already did (the creator and the assignee
                    // follow from the start): both mean "followed".
                    "follow" => match status(
                        me.post(
                            "/api/v1/followers",
                            json!({"record_type": "lead", "record_id": id}),
                        )
                        .await,
                    ) {
                        201 => 200,
                        other => other,
                    },
                    "read its timeline" => {
                        status(me.get(&format!("/api/v1/records/lead/{id}/timeline")).await)
                    }
                    "attach a file" => {
                        let req = me
                            .request(
                                Method::POST,
                                &format!("/api/v1/records/lead/{id}/attachments?file_name=ghi-chu.txt"),
                            )
                            .header(header::CONTENT_TYPE, "application/octet-stream")
                            .body(Body::from("Báo giá 78.000"))
                            .unwrap();
                        status(me.raw(req).await)
                    }
                    other => panic!("no lead action {other}"),
                }
            }
            ("activity on the lead", _) => {
                let (lead, _) = self.lead(who, c.rel).await;
                let (assignee, _) = self.owner(who, c.rel);
                let a = self
                    .admin()
                    .post(
                        "/api/v1/activities",
                        json!({"record_type": "lead", "record_id": lead, "summary": "Gọi lại",
                               "due_date": "2026-12-01", "activity_type_id": self.activity_type,
                               "user_id": assignee}),
                    )
                    .await;
                assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
                let id = a.json()["id"].as_i64().unwrap();
                status(
                    me.post(&format!("/api/v1/activities/{id}/done"), json!({}))
                        .await,
                )
            }
            ("meeting on the lead (organised by an admin)", action) => {
                let (lead, _) = self.lead(who, c.rel).await;
                let m = self
                    .admin()
                    .post(
                        "/api/v1/meetings",
                        json!({"name": "Gặp khách", "start": "2030-01-02T09:00:00Z",
                               "stop": "2030-01-02T10:00:00Z", "record_type": "lead",
                               "record_id": lead}),
                    )
                    .await;
                assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
                let path = format!("/api/v1/meetings/{}", m.json()["id"]);
                match action {
                    "read" => status(me.get(&path).await),
                    _ => status(
                        me.send(
                            Method::PATCH,
                            &path,
                            Some(json!({"version": 1, "location": "Quận 3"})),
                        )
                        .await,
                    ),
                }
            }
            ("an admin's shared saved view", action) => {
                let v = self
                    .admin()
                    .post(
                        "/api/v1/saved-views",
                        json!({"name": self.unique("Chung "), "page": "leads", "query": "q=a",
                               "shared": true}),
                    )
                    .await;
                assert_eq!(v.status, StatusCode::CREATED, "{}", v.text);
                let path = format!("/api/v1/saved-views/{}", v.json()["id"]);
                match action {
                    "rename" => status(
                        me.send(
                            Method::PATCH,
                            &path,
                            Some(json!({"name": self.unique("Đổi ")})),
                        )
                        .await,
                    ),
                    _ => status(me.send(Method::DELETE, &path, None).await),
                }
            }
            ("contact", action) => {
                let id = self.contact(who, c.rel).await;
                let path = format!("/api/v1/contacts/{id}");
                match action {
                    "read" => status(me.get(&path).await),
                    "change" => status(
                        me.send(
                            Method::PATCH,
                            &path,
                            Some(json!({"version": 1, "city": "Huế"})),
                        )
                        .await,
                    ),
                    "delete" => status(me.send(Method::DELETE, &path, None).await),
                    other => panic!("no contact action {other}"),
                }
            }
            ("board", _) => status(me.get("/api/v1/board").await),
            ("pipeline report", _) => {
                status(me.get("/api/v1/reports/pipeline?group_by=stage").await)
            }
            ("leads", _) => {
                let csv = format!("Tên\n{}\n", self.unique("Nhập "));
                let req = me
                    .request(Method::POST, "/api/v1/leads/import")
                    .header(header::CONTENT_TYPE, "text/csv")
                    .body(Body::from(csv))
                    .unwrap();
                status(me.raw(req).await)
            }
            ("tag", _) => status(
                me.post("/api/v1/tags", json!({"name": self.unique("Thẻ ")}))
                    .await,
            ),
            ("lost reason", _) => status(
                me.post(
                    "/api/v1/lost-reasons",
                    json!({"name": self.unique("Lý do ")}),
                )
                .await,
            ),
            ("team", _) => status(
                me.post("/api/v1/teams", json!({"name": self.unique("Đội ")}))
                    .await,
            ),
            ("pipeline", _) => status(
                me.post(
                    "/api/v1/pipelines",
                    json!({"name": self.unique("Quy trình "), "kind": "deal"}),
                )
                .await,
            ),
            ("currency rate", _) => status(
                me.send(
                    Method::PUT,
                    "/api/v1/currency-rates/USD",
                    Some(json!({"rate": "25400"})),
                )
                .await,
            ),
            ("users", _) => status(me.get("/api/v1/users").await),
            ("user", _) => {
                let email = format!("{}@example.vn", self.unique("u"));
                status(
                    me.post(
                        "/api/v1/users",
                        json!({"name": "Mới", "email": email, "password": "password-123",
                               "role": "salesperson"}),
                    )
                    .await,
                )
            }
            ("mail settings", _) => status(me.get("/api/v1/settings/mail").await),
            ("outgoing mail", _) => status(me.get("/api/v1/mails").await),
            ("workspace", _) => status(me.get("/api/v1/workspace/export").await),
            ("saved view", _) => status(
                me.post(
                    "/api/v1/saved-views",
                    json!({"name": self.unique("Góc nhìn "), "page": "leads", "query": "q=a"}),
                )
                .await,
            ),
            ("own profile", _) => status(me.get("/api/v1/me").await),
            (resource, action) => panic!("no cell {resource} / {action}"),
        }
    }
}

async fn user(admin: &Client, email: &str, role: &str) -> (Client, i64) {
    let c = member(admin, email, role).await;
    let id = c.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
    (c, id)
}

async fn world(db: Db) -> World {
    let mut admin = Client::new(db);
    admin.setup().await;
    let admin_id = admin.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
    let (manager, manager_id) = user(&admin, "quanly@sen.vn", "manager").await;
    let (leader, leader_id) = user(&admin, "truongnhom@sen.vn", "team_leader").await;
    let (sales, sales_id) = user(&admin, "banhang@sen.vn", "salesperson").await;
    let (_, teammate_id) = user(&admin, "dongnghiep@sen.vn", "salesperson").await;
    let (_, other_id) = user(&admin, "nhomkhac@sen.vn", "salesperson").await;
    let team = |name: &str, leader: Option<i64>, members: Vec<i64>| json!({"name": name, "leader_id": leader, "member_ids": members});
    let a = admin
        .post(
            "/api/v1/teams",
            team(
                "Đội Bắc",
                Some(leader_id),
                vec![leader_id, sales_id, teammate_id],
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let team_a = a.json()["id"].as_i64().unwrap();
    let b = admin
        .post("/api/v1/teams", team("Đội Nam", None, vec![other_id]))
        .await;
    let team_b = b.json()["id"].as_i64().unwrap();
    // A token the salesperson made and then revoked.
    let t = sales
        .post("/api/v1/api-tokens", json!({"name": "cũ"}))
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let gone = sales
        .send(
            Method::DELETE,
            &format!("/api/v1/api-tokens/{}", t.json()["id"]),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let nobody = |bearer: Option<String>| Client {
        router: admin.router.clone(),
        cookie: None,
        csrf: None,
        bearer,
    };
    let activity_type = admin.get("/api/v1/activity-types").await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let signed_out = nobody(None);
    let revoked = nobody(t.json()["token"].as_str().map(String::from));
    let ids = [
        ("admin", admin_id),
        ("manager", manager_id),
        ("leader", leader_id),
        ("sales", sales_id),
        ("teammate", teammate_id),
        ("other", other_id),
    ]
    .into_iter()
    .collect();
    World {
        clients: vec![admin, manager, leader, sales, signed_out, revoked],
        ids,
        team_a,
        team_b,
        activity_type,
        counter: std::cell::Cell::new(0),
    }
}

/// The matrix as the Markdown table `docs/security.md` shows.
fn rendered() -> String {
    let mut out = String::from(
        "| resource | action | whose record | admin | manager | team leader | salesperson | signed out | revoked token |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for c in MATRIX {
        let answers: Vec<String> = c.expect.iter().map(|s| s.to_string()).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.resource,
            c.action,
            c.rel.label(),
            answers.join(" | ")
        ));
    }
    out
}

const START: &str = "<!-- access-matrix:start -->\n";
const END: &str = "<!-- access-matrix:end -->";

story!(
    the_access_matrix_holds_for_every_role_and_record,
    |db: Db| async move {
        let w = world(db).await;
        let mut differences = Vec::new();
        for c in MATRIX {
            for (i, who) in WHO.iter().enumerate() {
                let got = w.run(c, *who).await;
                if got != c.expect[i] {
                    differences.push(format!(
                        "{} / {} / {}: {who:?} expected {}, got {got}",
                        c.resource,
                        c.action,
                        c.rel.label(),
                        c.expect[i]
                    ));
                }
            }
        }
        assert!(
            differences.is_empty(),
            "{} differences:\n{}",
            differences.len(),
            differences.join("\n")
        );
    }
);

#[test]
fn docs_security_shows_the_access_matrix_the_test_checks() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let table = rendered();
    let current = doc
        .split_once(START)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(t, _)| t);
    if current == Some(table.as_str()) {
        return;
    }
    if std::env::var("SEN_UPDATE_DOCS").as_deref() == Ok("1") {
        let (before, after) = match doc.split_once(START) {
            Some((b, rest)) => (
                b.to_string(),
                rest.split_once(END).map(|(_, a)| a).unwrap_or(""),
            ),
            None => (doc.clone(), ""),
        };
        std::fs::write(&path, format!("{before}{START}{table}{END}{after}")).unwrap();
        return;
    }
    panic!(
        "docs/security.md does not show the access matrix the test checks; run with SEN_UPDATE_DOCS=1 to rewrite it:\n{table}"
    );
}
