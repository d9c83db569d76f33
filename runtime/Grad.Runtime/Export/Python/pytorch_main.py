

# ---- the command line ---------------------------------------------------------------------------

def run_all(device, rank, world):
    results = []
    for run in RUNS:
        if run["kind"] == "train":
            results.append(train_network(run, DATA, device, rank, world))
        elif rank == 0:
            results.append(minimize(run, device))  # nothing to share out: rank 0 alone runs it
    return {"file": SOURCE, "diagnostics": [], "runs": results}


def worker(rank, world, args, port, codes):
    """One process of a data-parallel run (gloo on CPU, nccl on GPUs)."""
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(port))
    torch.set_num_threads(1)
    device = torch.device(args.device, rank % torch.cuda.device_count()) if args.device == "cuda" else torch.device(args.device)
    torch.distributed.init_process_group("nccl" if args.device == "cuda" else "gloo", rank=rank, world_size=world)
    try:
        report = run_all(device, rank, world)
        code = finish(report, args) if rank == 0 else 0
    finally:
        torch.distributed.destroy_process_group()
    if codes is not None:
        codes[rank] = code
    return code


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", metavar="PATH", help="write Grad's JSON (the same schema as grad run --json); - for stdout")
    parser.add_argument("--check", metavar="GRAD_JSON", help="compare with grad run --json's output (relative 1e-10); exit 1 on the first mismatch")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda; float64 either way")
    parser.add_argument("--world-size", type=int, default=1, metavar="N",
                        help="train data-parallel in N local processes (torch.distributed); under torchrun the environment decides")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # started by torchrun
        return worker(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), args, free_port(), None)
    if args.world_size > 1:
        import torch.multiprocessing as mp
        codes = mp.Manager().dict()
        mp.spawn(worker, args=(args.world_size, args, free_port(), codes), nprocs=args.world_size)
        return codes.get(0, 1)
    return finish(run_all(torch.device(args.device), 0, 1), args)
