//! Conversion and merge stories (issue #3), included by app.rs.

use sen_app::convert::{ConvertInput, Customer};
use sen_app::leads::Placement;
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};

use super::*;

fn convert(customer: Customer) -> ConvertInput {
    ConvertInput {
        merge_with: vec![],
        pipeline_id: None,
        user_id: None,
        team_id: None,
        customer,
    }
}

fn linda() -> LeadValues {
    LeadValues {
        name: "Linda Wu — 200 áo thun".into(),
        company_name: Some("客戶關係管理有限公司".into()),
        contact_name: Some("吳琳達 Linda Wu".into()),
        email: Some("linda.wu@crm-tw.example".into()),
        phone: Some("+886 912 345 678".into()),
        city: Some("臺北市".into()),
        ..Default::default()
    }
}

story!(
    linda_wus_lead_becomes_an_opportunity_with_a_new_customer,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let lead = app
            .create_lead(&me, Placement::default(), linda())
            .await
            .unwrap()
            .lead;
        assert_eq!(lead.number, "L-1");
        let opp = app
            .convert_lead(&me, lead.id, convert(Customer::Create))
            .await
            .unwrap();
        assert_eq!(
            (opp.id, opp.kind.as_str(), opp.number.as_str()),
            (lead.id, "opportunity", "D-1")
        );
        let deal = app.get_pipeline(opp.pipeline_id).await.unwrap();
        assert_eq!(
            (deal.kind.as_str(), opp.stage_id),
            ("deal", deal.stages[0].id)
        );
        assert_eq!(opp.converted_by, Some(me.user_id));
        assert!(opp.converted_at.is_some());
        let person = app.get_contact(&me, opp.contact_id.unwrap()).await.unwrap();
        assert_eq!(person.name, "吳琳達 Linda Wu");
        assert_eq!(person.email.as_deref(), Some("linda.wu@crm-tw.example"));
        let company = app
            .get_contact(&me, person.company_id.unwrap())
            .await
            .unwrap();
        assert!(company.is_company);
        assert_eq!(company.name, "客戶關係管理有限公司");
        let (t, _) = app.lead_timeline(&me, lead.id, None, None).await.unwrap();
        assert_eq!(t[0].field, "converted");
        assert_eq!(
            (t[0].old_value.as_deref(), t[0].new_value.as_deref()),
            (Some("L-1"), Some("D-1"))
        );
    }
);

story!(
    conversion_links_an_existing_customer_or_none,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let c = app
            .create_contact(
                &me,
                sen_domain::contact::ContactValues {
                    name: "Mike Lin".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .contact;
        let a = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    name: "A".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        assert_eq!(
            app.convert_lead(&me, a.id, convert(Customer::Link(c.id)))
                .await
                .unwrap()
                .contact_id,
            Some(c.id)
        );
        let b = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    name: "B".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        let none = app
            .convert_lead(&me, b.id, convert(Customer::None))
            .await
            .unwrap();
        assert_eq!((none.contact_id, none.kind.as_str()), (None, "opportunity"));
        let x = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    name: "X".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        assert_eq!(
            invalid_fields(
                app.convert_lead(&me, x.id, convert(Customer::Link(424242)))
                    .await
                    .unwrap_err()
            ),
            vec!["customer.contact_id"]
        );
        let bad_pipeline = ConvertInput {
            pipeline_id: Some(app.list_pipelines().await.unwrap()[1].id),
            ..convert(Customer::None)
        };
        assert_eq!(
            invalid_fields(app.convert_lead(&me, x.id, bad_pipeline).await.unwrap_err()),
            vec!["pipeline_id"],
            "a lead pipeline is not a deal pipeline"
        );
        assert!(
            matches!(
                app.convert_lead(&me, a.id, convert(Customer::None)).await,
                Err(AppError::Conflict(_))
            ),
            "already an opportunity"
        );
    }
);

story!(a_closed_lead_is_not_converted, |db: Db| async move {
    let app = App::new(db);
    let me = admin(&app).await;
    let l = app
        .create_lead(
            &me,
            Placement::default(),
            LeadValues {
                name: "Won already".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .lead;
    app.mark_won(&me, l.id).await.unwrap();
    assert!(matches!(
        app.convert_lead(&me, l.id, convert(Customer::None)).await,
        Err(AppError::Conflict("record_is_closed"))
    ));
});

story!(
    conversion_can_merge_the_duplicates_first,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let l = app
            .create_lead(&me, Placement::default(), linda())
            .await
            .unwrap()
            .lead;
        let twin = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    name: "Linda (Zalo)".into(),
                    mobile: Some("0987 000 111".into()),
                    priority: 3,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        let input = ConvertInput {
            merge_with: vec![twin.id],
            ..convert(Customer::None)
        };
        let opp = app.convert_lead(&me, l.id, input).await.unwrap();
        assert_eq!(
            (opp.mobile.as_deref(), opp.priority),
            (Some("0987 000 111"), 3)
        );
        assert!(matches!(
            app.get_lead(&me, twin.id).await,
            Err(AppError::NotFound)
        ));
        let other = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    name: "Z".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        assert!(
            app.convert_lead(
                &me,
                other.id,
                ConvertInput {
                    merge_with: vec![other.id],
                    ..convert(Customer::None)
                }
            )
            .await
            .is_err()
        );
    }
);

story!(
    merging_six_records_keeps_the_best_and_fills_its_gaps,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let deal = app
            .list_pipelines()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == "deal")
            .unwrap();
        let opp = Placement {
            kind: Some(LeadType::Opportunity),
            ..Default::default()
        };
        let mut ids = Vec::new();
        for i in 0..6 {
            let v = LeadValues {
                name: format!("Hoa {i}"),
                email: (i == 4).then(|| "hoa@x.vn".to_string()),
                city: (i >= 2).then(|| format!("City {i}")),
                priority: if i == 5 { 3 } else { 1 },
                description: Some(format!("note {i}")),
                ..Default::default()
            };
            ids.push(app.create_lead(&me, opp.clone(), v).await.unwrap().lead.id);
        }
        // One record is further along: it is kept by default.
        let far = ids[3];
        let l = app.get_lead(&me, far).await.unwrap();
        app.update_lead(
            &me,
            far,
            l.version,
            LeadPatch::default(),
            Some(deal.stages[2].id),
        )
        .await
        .unwrap();
        let lost = app.get_lead(&me, ids[0]).await.unwrap();
        app.mark_lost(&me, lost.id, None, None).await.unwrap();
        let kept = app.merge_leads(&me, &ids, None).await.unwrap();
        assert_eq!(kept.id, far);
        assert_eq!(
            (
                kept.name.as_str(),
                kept.city.as_deref(),
                kept.email.as_deref(),
                kept.priority
            ),
            ("Hoa 3", Some("City 3"), Some("hoa@x.vn"), 3)
        );
        assert!(kept.description.as_deref().unwrap().starts_with("note 3"));
        assert_eq!(
            app.list_leads(&me, &ListParams::default())
                .await
                .unwrap()
                .total,
            1
        );
        let (t, _) = app.lead_timeline(&me, far, Some(500), None).await.unwrap();
        assert_eq!(t[0].field, "merged");
        assert_eq!(
            t.iter().filter(|c| c.field == "created").count(),
            6,
            "every merged record's history moved here"
        );
        assert_eq!(
            invalid_fields(app.merge_leads(&me, &[far], None).await.unwrap_err()),
            vec!["ids"]
        );
        assert_eq!(
            invalid_fields(app.merge_leads(&me, &[far, far], None).await.unwrap_err()),
            vec!["ids"]
        );
        let other = app
            .create_lead(
                &me,
                opp,
                LeadValues {
                    name: "B".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        assert_eq!(
            invalid_fields(
                app.merge_leads(&me, &[far, other.id], Some(99))
                    .await
                    .unwrap_err()
            ),
            vec!["keep_id"]
        );
        let chosen = app
            .merge_leads(&me, &[far, other.id], Some(other.id))
            .await
            .unwrap();
        assert_eq!(chosen.id, other.id);
    }
);

story!(
    caresoft_flows_convert_from_working_and_end_deals_lost_or_unqualified,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        app.load_demo().await.unwrap();
        let pipelines = app.list_pipelines().await.unwrap();
        let leads = pipelines.iter().find(|p| p.kind == "lead").unwrap();
        let caresoft = pipelines
            .iter()
            .find(|p| p.name == "Quy trình bán hàng Caresoft")
            .unwrap();
        // Lead process: New → Working → Converted (a deal in Prospecting).
        let l = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    name: "Khách Caresoft".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        let w = app
            .update_lead(
                &me,
                l.id,
                l.version,
                LeadPatch::default(),
                Some(leads.stages[1].id),
            )
            .await
            .unwrap()
            .lead;
        assert_eq!(w.stage_id, leads.stages[1].id);
        let deal = app
            .convert_lead(
                &me,
                l.id,
                ConvertInput {
                    pipeline_id: Some(caresoft.id),
                    ..convert(Customer::None)
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (deal.pipeline_id, deal.stage_id),
            (caresoft.id, caresoft.stages[0].id),
            "converted leads are deals in Prospecting"
        );
        assert!(deal.number.starts_with("CS-"));
        // Deal process: Prospecting → Qualified → Quote → Lost (with a reason: this pipeline requires one).
        let mut d = deal;
        for stage in &caresoft.stages[1..3] {
            d = app
                .update_lead(&me, d.id, d.version, LeadPatch::default(), Some(stage.id))
                .await
                .unwrap()
                .lead;
        }
        assert_eq!(
            invalid_fields(app.mark_lost(&me, d.id, None, None).await.unwrap_err()),
            vec!["reason_id"]
        );
        let reason = app
            .create_lookup(
                &me,
                sen_store::lookups::LookupKind::LostReason,
                sen_domain::lookup::LookupValues {
                    name: "Chọn đối thủ".into(),
                    active: true,
                    color: None,
                    applies_to: None,
                },
            )
            .await
            .unwrap();
        let lost = app
            .mark_lost(&me, d.id, Some(reason.id), None)
            .await
            .unwrap();
        assert_eq!(lost.outcome, "lost");
        // Another deal ends unqualified instead, which may come back.
        let other = app
            .create_lead(
                &me,
                Placement {
                    kind: Some(LeadType::Opportunity),
                    pipeline_id: Some(caresoft.id),
                    ..Default::default()
                },
                LeadValues {
                    name: "Sai nhu cầu".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        let u = app
            .mark_unqualified(&me, other.id, Some(reason.id))
            .await
            .unwrap();
        assert_eq!(
            (u.outcome.as_str(), u.outcome_reason_id),
            ("unqualified", Some(reason.id))
        );
    }
);
