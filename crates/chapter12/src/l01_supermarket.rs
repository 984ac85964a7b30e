//! Listing 12.1 — The supermarket: 10 customers in line, 3 cashiers.
//!
//! Ten customers with random baskets (`--seed`) wait in a queue; three
//! cashier tasks take the next customer while the line is not empty and
//! scan each product in its own time, calling `task_done` per customer.
//! The run ends when the queue is joined. Tokio has no queue with `join`,
//! so this is the chapter's own [`Queue`] (see its docs); tasks share it
//! through an `Arc`, because `tokio::spawn` wants `'static`.
//!
//! Run: cargo run -p chapter12 -- 12.1 --virtual-time

use std::sync::Arc;
use std::time::Duration;

use rand::SeedableRng as _;
use rand::rngs::StdRng;
use shared_util::Ctx;
use shared_util::timing::{Stopwatch, secs};

use crate::queue::Queue;
use crate::supermarket::{Customer, generate_customer};

async fn checkout_customer(queue: Arc<Queue<Customer>>, cashier_number: u32) -> anyhow::Result<()> {
    // The book's `while not queue.empty(): queue.get_nowait()`, in one step.
    while let Ok(customer) = queue.get_nowait() {
        let id = customer.customer_id;
        println!("Cashier {cashier_number} checking out customer {id}");
        for product in &customer.products {
            println!(
                "Cashier {cashier_number} checking out customer {id}'s {}",
                product.name
            );
            tokio::time::sleep(Duration::from_secs_f64(product.checkout_time)).await;
        }
        println!("Cashier {cashier_number} finished checking out customer {id}");
        queue.task_done()?;
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let clock = Stopwatch::start();
    let customer_queue: Arc<Queue<Customer>> = Arc::new(Queue::new(0));
    let mut rng = StdRng::seed_from_u64(ctx.options::<crate::Options>().seed);
    for i in 0..10 {
        customer_queue.put_nowait(generate_customer(i, &mut rng))?;
    }

    let cashiers: Vec<_> = (0..3)
        .map(|i| tokio::spawn(checkout_customer(customer_queue.clone(), i)))
        .collect();

    // gather(queue.join(), *cashiers), bounded: 10 baskets of at most
    // nine beers each cannot take longer.
    let everything = async {
        let (_, cashiers) = tokio::join!(
            customer_queue.join(),
            futures::future::try_join_all(cashiers)
        );
        cashiers?.into_iter().collect::<anyhow::Result<Vec<()>>>()
    };
    tokio::time::timeout(Duration::from_secs(10 * 9 * 2), everything)
        .await
        .map_err(|_| anyhow::anyhow!("the line did not empty in 180 s"))??;
    println!(
        "All 10 customers checked out in {} second(s)",
        secs(clock.elapsed())
    );
    Ok(())
}
