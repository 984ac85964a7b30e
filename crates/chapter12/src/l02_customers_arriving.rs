//! Listing 12.2 — Customers arrive over time; the line holds at most 5.
//!
//! Every second a generator task `put`s 0 to 4 new customers in a queue
//! of 5; when the line is full, `put` waits for a cashier to take someone.
//! Three cashiers `get` for ever. The book runs until Ctrl-C; here the
//! generator stops after `--rounds` seconds (8), the queue is joined, and
//! the idle cashiers are cancelled with `abort()` (asyncio's `cancel()`).
//!
//! Run: cargo run -p chapter12 -- 12.2 --virtual-time

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use shared_util::Ctx;
use shared_util::timing::{Stopwatch, secs};

use crate::queue::Queue;
use crate::supermarket::{Customer, generate_customer};

async fn checkout_customer(queue: Arc<Queue<Customer>>, cashier_number: u32) -> anyhow::Result<()> {
    loop {
        let customer = queue.get().await;
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
}

/// Every second, 0 to 4 new customers join the line; returns how many came.
async fn customer_generator(queue: Arc<Queue<Customer>>, mut rng: StdRng, rounds: u64) -> u64 {
    let mut customer_count = 0;
    for _ in 0..rounds {
        let arriving = rng.random_range(0..5);
        let customers: Vec<Customer> = (customer_count..customer_count + arriving)
            .map(|i| generate_customer(i, &mut rng))
            .collect();
        for customer in customers {
            println!("Waiting to put customer in line...");
            queue.put(customer).await;
            println!("Customer put in line!");
        }
        customer_count += arriving;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    customer_count
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let clock = Stopwatch::start();
    let rounds = ctx.rounds_or(8);
    let customer_queue: Arc<Queue<Customer>> = Arc::new(Queue::new(5));
    let rng = StdRng::seed_from_u64(ctx.options::<crate::Options>().seed);

    let customer_producer = tokio::spawn(customer_generator(customer_queue.clone(), rng, rounds));
    let cashiers: Vec<_> = (0..3)
        .map(|i| tokio::spawn(checkout_customer(customer_queue.clone(), i)))
        .collect();

    // Bounded: every customer, one cashier, nine beers each, is the worst case.
    let bound = Duration::from_secs(rounds * (1 + 4 * 9 * 2));
    let served = tokio::time::timeout(bound, async {
        let customers = customer_producer.await?;
        customer_queue.join().await;
        anyhow::Ok(customers)
    })
    .await;
    for cashier in &cashiers {
        cashier.abort(); // they wait in `get` for customers who never come
    }
    let customers =
        served.map_err(|_| anyhow::anyhow!("the line did not empty in {bound:?}"))??;
    println!(
        "{customers} customers came in {rounds} second(s); the last left after {} second(s)",
        secs(clock.elapsed())
    );
    Ok(())
}
