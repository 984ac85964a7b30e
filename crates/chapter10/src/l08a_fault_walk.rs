//! Listing 10.8a — Each service's fault switch, and the backend-for-frontend walked through every failure.
//!
//! Every service takes `PUT /admin/fault/{mode}`: `slow` (5 s before each
//! answer), `fail` (500 at once), `down` (it stops listening), `none`. This
//! run starts the four services and the backend-for-frontend, then, for
//! each failure in turn, flips one switch over HTTP, asks for the page, and
//! prints what the client sees (status, body) and what each service did
//! with its calls: a late call shows up as *cancelled* at the service, proof
//! that it stopped when the page was decided. A service that is down has no
//! admin route left to ask, so the run brings it back through its handle,
//! as restarting it would.
//!
//! Run: cargo run -p chapter10 -- 10.8a   (or 10.8 --fault products=slow, then curl)

use shared_util::Ctx;

use crate::l08_bff::{System, show_one_page};
use crate::services::{self, Fault, Kind};

/// The failures walked through: a service and its fault.
const SCENARIOS: [(Kind, Fault); 8] = [
    (Kind::Inventory, Fault::None),
    (Kind::Inventory, Fault::Slow),
    (Kind::Favorites, Fault::Fail),
    (Kind::Cart, Fault::Slow),
    (Kind::Cart, Fault::Down),
    (Kind::Products, Fault::Slow),
    (Kind::Products, Fault::Fail),
    (Kind::Products, Fault::Down),
];

/// Waits (at most 5 s) until `address` accepts connections (`up`) or
/// refuses them.
async fn listening(address: std::net::SocketAddr, up: bool) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while tokio::net::TcpStream::connect(address).await.is_ok() != up {
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!(
                "the service on {address} did not {} within 5 s",
                if up { "listen again" } else { "stop listening" }
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let system = System::start(ctx, ctx.flags.port.unwrap_or(0)).await?;
    println!("backend-for-frontend listening on {}", system.address);
    let client = services::client()?;
    for (kind, fault) in SCENARIOS {
        let service = system.services.get(kind);
        println!();
        if fault == Fault::None {
            println!("--- all services healthy ---");
        } else {
            println!("--- {} service {} ---", kind.name(), fault.name());
            let answer = client
                .put(format!("{}/admin/fault/{}", service.url(), fault.name()))
                .send()
                .await?;
            println!(
                "PUT /admin/fault/{} on {} -> {}",
                fault.name(),
                kind.name(),
                answer.status()
            );
            if fault == Fault::Down {
                // The switch answers before the listener closes: wait for
                // it, or a busy machine could still reach the service.
                listening(service.address(), false).await?;
            }
        }
        show_one_page(&system).await?;
        if fault == Fault::Down {
            service.set_fault(Fault::None);
            listening(service.address(), true).await?;
        } else if fault != Fault::None {
            client
                .put(format!("{}/admin/fault/none", service.url()))
                .send()
                .await?
                .error_for_status()?;
        }
    }
    system.stop().await;
    Ok(())
}
