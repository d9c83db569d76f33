

# ---- the sweep on a Dask cluster ------------------------------------------------------------------

def member_key(config):
    """The member's values in VARIED's order; a number is the same key whether written 1 or 1.0."""
    return json.dumps([float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                       for v in (config[setting] for setting in VARIED)])


def train(config):
    """Trains the member of the sweep with these values ({"lr": 0.1, "init": "he_normal"}, one
    of CONFIGS) and returns its entry of Grad's JSON, with "sweep" and "config". What depends on
    Grad's random streams (initial weights, batch orders) is embedded per member, so config must
    be a member of the sweep's grid; this is the function a Dask, Ray Tune or Optuna worker calls."""
    torch.set_num_threads(1)
    key = member_key(config)
    if key not in MEMBERS:
        raise KeyError(f"{json.dumps(config)} is not a member of sweep {SWEEP}; its members are CONFIGS")
    run = RUNS[MEMBERS[key]]
    result = train_network(run, DATA) if run["kind"] == "train" else minimize(run)
    return {"name": result["name"], "kind": result["kind"], "sweep": SWEEP, "config": dict(config),
            **{k: v for k, v in result.items() if k not in ("name", "kind")}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scheduler", default=SCHEDULER, metavar="ADDRESS",
                        help="a Dask scheduler (tcp://host:8786); default: a LocalCluster on this machine" + (f" (exported with {SCHEDULER})" if SCHEDULER else ""))
    parser.add_argument("--workers", type=int, default=None, metavar="N", help="the LocalCluster's worker processes (default: one per core)")
    parser.add_argument("--json", metavar="PATH", help="write Grad's JSON of the sweep (the schema of grad run --json); - for stdout")
    parser.add_argument("--check", metavar="GRAD_JSON", help="compare with grad run --json's output (relative 1e-10); exit 1 on the first mismatch")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        # One task per member; pure=False: the same config twice is two trainings, never a cached result.
        results = client.gather(client.map(train, CONFIGS, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return finish({"file": SOURCE, "diagnostics": [], "runs": results}, args)
