//! The backend-for-frontend over real HTTP, in this process: the four
//! services and the BFF on loopback ports, the services' databases on one
//! real PostgreSQL. For each fault setting, the status and body a client
//! gets, and what the services saw: every call the BFF gave up on was
//! dropped at the service (counted cancelled), none left running. Claims
//! are counts, never times; a slow service takes 5 s, far past the 1 s
//! deadline, so a call that was not cancelled would still be running when
//! the counts are read.

use std::time::Duration;

use chapter10::System;
use chapter10::services::{Fault, Kind};
use serde_json::Value;
use shared_util::Ctx;

/// One system at a time: each holds 18 database connections.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long the services get to see their dropped calls end: well under
/// [`chapter10::services::SLOW`].
const SETTLE: Duration = Duration::from_secs(3);

fn ctx(url: &str) -> Ctx {
    let mut ctx = Ctx::default();
    ctx.flags.database_url = Some(shared_util::demo::database::DatabaseUrl::parse(url).unwrap());
    ctx.set_options(chapter10::Options {
        faults: Vec::new(),
        catalogue: 10,
    });
    ctx
}

/// GET the page: its status and JSON body.
async fn page(system: &System) -> (u16, Value) {
    let response = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .get(system.url())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Starts a system, sets `faults`, asks for the page once, and returns
/// the answer and each service's counts for that request once settled.
async fn with_faults(faults: &[(Kind, Fault)]) -> ((u16, Value), Vec<(Kind, u64, u64, u64, u64)>) {
    let url = crate::common::database_url();
    let _one = ONE_AT_A_TIME.lock().await;
    let ctx = ctx(url);
    let system = System::start(&ctx, 0).await.unwrap();
    for &(kind, fault) in faults {
        system.services.get(kind).set_fault(fault);
    }
    let answer = page(&system).await;
    let mut counts = Vec::new();
    for service in system.services.all() {
        let c = service.settled(SETTLE).await;
        counts.push((
            service.kind(),
            c.started,
            c.answered,
            c.cancelled,
            c.in_flight,
        ));
    }
    system.stop().await;
    (answer, counts)
}

fn counts_of(counts: &[(Kind, u64, u64, u64, u64)], kind: Kind) -> (u64, u64, u64, u64) {
    let &(_, started, answered, cancelled, in_flight) =
        counts.iter().find(|c| c.0 == kind).unwrap();
    (started, answered, cancelled, in_flight)
}

fn inventories(body: &Value) -> Vec<Option<i64>> {
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["inventory"].as_i64())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
async fn healthy_services_give_the_whole_page_and_late_inventory_calls_are_cancelled() {
    let ((status, body), counts) = with_faults(&[]).await;
    assert_eq!(status, 200, "{body}");
    // User 3: three favourites, nothing in the cart (listings 10.2, 10.3).
    assert_eq!(body["favorite_items"], 3);
    assert_eq!(body["cart_items"], 0);
    let ids: Vec<i64> = body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["product_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    let inventories = inventories(&body);
    assert!(inventories.iter().flatten().all(|n| (0..=100).contains(n)));
    let nulls = inventories.iter().filter(|i| i.is_none()).count() as u64;
    let (started, answered, cancelled, in_flight) = counts_of(&counts, Kind::Inventory);
    assert_eq!(started, 10);
    assert_eq!(in_flight, 0, "no inventory call left running");
    assert_eq!(answered + cancelled, 10);
    // Every cancelled call is a null; a call answered just as the BFF gave
    // up is a null too, so not the other way round.
    assert!(cancelled <= nulls, "{cancelled} cancelled, {nulls} nulls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
async fn slow_inventory_gives_null_inventories_and_every_call_is_dropped() {
    let ((status, body), counts) = with_faults(&[(Kind::Inventory, Fault::Slow)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(inventories(&body), vec![None; 10]);
    assert_eq!(body["favorite_items"], 3);
    // All ten stopped at the service, long before their 5 s were up.
    assert_eq!(counts_of(&counts, Kind::Inventory), (10, 0, 10, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
async fn failing_or_late_favorites_and_cart_become_null_and_the_rest_is_answered() {
    for (faults, null_field, other_field, other_value) in [
        (
            [(Kind::Favorites, Fault::Fail)],
            "favorite_items",
            "cart_items",
            0,
        ),
        (
            [(Kind::Favorites, Fault::Slow)],
            "favorite_items",
            "cart_items",
            0,
        ),
        (
            [(Kind::Cart, Fault::Fail)],
            "cart_items",
            "favorite_items",
            3,
        ),
        (
            [(Kind::Cart, Fault::Slow)],
            "cart_items",
            "favorite_items",
            3,
        ),
        (
            [(Kind::Cart, Fault::Down)],
            "cart_items",
            "favorite_items",
            3,
        ),
    ] {
        let ((status, body), counts) = with_faults(&faults).await;
        let (kind, fault) = faults[0];
        assert_eq!(status, 200, "{kind:?} {fault:?}: {body}");
        assert_eq!(body[null_field], Value::Null, "{kind:?} {fault:?}: {body}");
        assert_eq!(body[other_field], other_value, "{kind:?} {fault:?}: {body}");
        assert_eq!(body["products"].as_array().unwrap().len(), 10);
        let (started, _, cancelled, in_flight) = counts_of(&counts, kind);
        match fault {
            Fault::Slow => assert_eq!((started, cancelled, in_flight), (1, 1, 0)),
            Fault::Down => assert_eq!(started, 0, "nothing reaches a service that is down"),
            _ => assert_eq!((started, cancelled), (1, 0)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
async fn products_late_is_504_and_products_failing_or_down_is_500() {
    for (fault, status_wanted, error) in [
        (Fault::Slow, 504, "Could not reach products service."),
        (Fault::Fail, 500, "Server error reaching products service."),
        (Fault::Down, 500, "Server error reaching products service."),
    ] {
        let ((status, body), counts) = with_faults(&[(Kind::Products, fault)]).await;
        assert_eq!(status, status_wanted, "{fault:?}: {body}");
        assert_eq!(body, serde_json::json!({ "error": error }));
        // No page, so no inventory asked.
        assert_eq!(counts_of(&counts, Kind::Inventory).0, 0);
        let (started, _, cancelled, in_flight) = counts_of(&counts, Kind::Products);
        assert_eq!(in_flight, 0);
        if fault == Fault::Slow {
            assert_eq!((started, cancelled), (1, 1), "the late call was dropped");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
async fn the_admin_route_flips_the_switch_and_a_service_comes_back_up() {
    let url = crate::common::database_url();
    let _one = ONE_AT_A_TIME.lock().await;
    let ctx = ctx(url);
    let system = System::start(&ctx, 0).await.unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let cart = &system.services.cart;
    let put = |mode: &str| {
        client
            .put(format!("{}/admin/fault/{mode}", cart.url()))
            .send()
    };
    assert_eq!(put("sideways").await.unwrap().status().as_u16(), 400);
    assert_eq!(put("fail").await.unwrap().status().as_u16(), 200);
    assert_eq!(cart.fault(), Fault::Fail);
    let answer = client
        .get(format!("{}/users/1/cart", cart.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 500);
    assert_eq!(put("down").await.unwrap().status().as_u16(), 200);
    // Down: the port refuses connections (bounded wait for the listener
    // to close after answering the PUT).
    let mut refused = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(cart.address()).is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "a service that is down stops listening");
    let (status, body) = page(&system).await;
    assert_eq!((status, &body["cart_items"]), (200, &Value::Null));
    // Up again on the same port.
    cart.set_fault(Fault::None);
    let mut items = None;
    for _ in 0..100 {
        if let Ok(answer) = client
            .get(format!("{}/users/1/cart", cart.url()))
            .send()
            .await
        {
            items = Some(answer.json::<Vec<Value>>().await.unwrap().len());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(items, Some(3));
    system.stop().await;
}
