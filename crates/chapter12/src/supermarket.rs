//! The supermarket of listings 12.1 and 12.2: products, customers and
//! their random baskets.
//!
//! Baskets come from a seeded random generator (`--seed`), so a run is the
//! same every time and a `--virtual-time` transcript can be a snapshot;
//! the book's `randrange` gives different shoppers on every run.

use rand::Rng as _;
use rand::rngs::StdRng;

/// Something on the belt, and how long a cashier takes to scan it.
#[derive(Debug, Clone, Copy)]
pub struct Product {
    pub name: &'static str,
    /// Seconds at the till.
    pub checkout_time: f64,
}

/// A shopper and what is in the basket.
#[derive(Debug)]
pub struct Customer {
    pub customer_id: u64,
    pub products: Vec<Product>,
}

/// Everything the shop sells (the book's four products).
pub const ALL_PRODUCTS: [Product; 4] = [
    Product {
        name: "beer",
        checkout_time: 2.0,
    },
    Product {
        name: "bananas",
        checkout_time: 0.5,
    },
    Product {
        name: "sausage",
        checkout_time: 0.2,
    },
    Product {
        name: "diapers",
        checkout_time: 0.2,
    },
];

/// A customer with 0 to 9 random products, as `randrange(10)` picks them.
pub fn generate_customer(customer_id: u64, rng: &mut StdRng) -> Customer {
    let count = rng.random_range(0..10);
    let products = (0..count)
        .map(|_| ALL_PRODUCTS[rng.random_range(0..ALL_PRODUCTS.len())])
        .collect();
    Customer {
        customer_id,
        products,
    }
}
