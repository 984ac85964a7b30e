"""N product queries with asyncpg over a pool: all at once (gather) or one after the other.

The Python side of listing 5.8 (`compare queries`): the same query, the
same pool size, every row fetched, against the same database (the demo
database `compare` starts, or --database-url). Needs asyncpg: run
scripts/python/setup.sh once and use scripts/python/.venv/bin/python3.
python3 queries.py --database-url postgres://postgres@127.0.0.1:5432/products [--queries 10000] [--pool 6] [--sequential]
"""

import argparse
import asyncio
import time

import asyncpg

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)

# The query of listings 5.7 and 5.8: every SKU of product 100.
PRODUCT_QUERY = """
SELECT
p.product_id,
p.product_name,
p.brand_id,
s.sku_id,
pc.product_color_name,
ps.product_size_name
FROM product as p
JOIN sku as s on s.product_id = p.product_id
JOIN product_color as pc on pc.product_color_id = s.product_color_id
JOIN product_size as ps on ps.product_size_id = s.product_size_id
WHERE p.product_id = 100"""


async def query_product(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as connection:
        # All the rows, as the Rust side fetches them (asyncpg caches the
        # prepared statement per connection, as deadpool's prepare_cached does).
        return len(await connection.fetch(PRODUCT_QUERY))


async def run(url: str, queries: int, pool_size: int, sequential: bool) -> None:
    async with asyncpg.create_pool(url, min_size=pool_size, max_size=pool_size,
                                   command_timeout=60) as pool:
        start = time.perf_counter()
        if sequential:
            rows = [await query_product(pool) for _ in range(queries)]
        else:
            rows = await asyncio.gather(*(query_product(pool) for _ in range(queries)))
        took = time.perf_counter() - start
    mode = "one after the other" if sequential else "gathered"
    print(f"{queries} queries {mode} over a pool of {pool_size}: {sum(rows)} rows in {took:.4f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=6)
    parser.add_argument("--sequential", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.database_url, args.queries, args.pool, args.sequential))


if __name__ == "__main__":
    main()
