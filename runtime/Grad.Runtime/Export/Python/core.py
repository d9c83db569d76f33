import argparse
import json
import math
import os
import re
import socket
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPE = torch.float64  # Grad computes in float64; so does this script, on every device.

# SequentialLR itself calls step(0) on its next scheduler at the milestone (PyTorch 1.13), which
# warns about an argument this script never passes.
warnings.filterwarnings("ignore", message="The epoch parameter in `scheduler.step\\(\\)` was not necessary")


# ---- data -----------------------------------------------------------------------------------

NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*|\s*[+-]?(nan|infinity)\s*", re.IGNORECASE)


def csv_fields(line):
    """One CSV line split as Grad's loader does: commas, double quotes, "" for a quote inside quotes."""
    fields, current, quoted, i = [], [], False, 0
    while i < len(line):
        c = line[i]
        if quoted and c == '"' and i + 1 < len(line) and line[i + 1] == '"':
            current.append('"')
            i += 1
        elif c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            fields.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    fields.append("".join(current))
    return fields


def read_csv(path, target):
    """Grad's csv(path, target): the other columns are the features; a non-numeric target is
    one-hot encoded over its distinct values in ordinal order."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [csv_fields(line) for line in f.read().splitlines() if line.strip()]
    header = [h.strip() for h in rows[0]]
    column = header.index(target)
    x = [[float(v) for c, v in enumerate(row) if c != column] for row in rows[1:]]
    labels = [row[column].strip() for row in rows[1:]]
    if all(NUMBER.fullmatch(label) for label in labels):
        return x, [[float(label)] for label in labels]
    classes = sorted(set(labels), key=lambda s: s.encode("utf-16-be"))  # C#'s ordinal order
    return x, [[1.0 if label == name else 0.0 for name in classes] for label in labels]


def targets_for(y, outputs):
    """The targets a network with this many outputs trains on: y itself, or the one-hot
    encoding of class indices 0 … K−1 (the class-index form of cross_entropy)."""
    if len(y[0]) == outputs:
        return y
    return [[1.0 if int(row[0]) == k else 0.0 for k in range(outputs)] for row in y]


def load_data(spec, outputs):
    x, y = read_csv(spec["csv"], spec["target"]) if "csv" in spec else (spec["x"], spec["y"])
    return x, targets_for(y, outputs)


# ---- the network ----------------------------------------------------------------------------

def activation(name, param):
    """Grad's activations (softplus and gelu are PyTorch's own: threshold 20, exact erf)."""
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, param),
        "elu": lambda z: F.elu(z, param),
        "softplus": F.softplus,
        "gelu": F.gelu,
        "linear": lambda z: z,
        "softmax": lambda z: torch.softmax(z, dim=1),
    }[name]


class BatchNorm(nn.BatchNorm1d):
    """`norm batch` as Grad runs it: in training mode each batch is normalised by its own
    statistics (eps 1e-5, gain and bias) and the running estimates move once per optimizer step,
    by the batch that step used (commit), not on every forward pass (this script measures a batch
    more often than it steps on it: after the last update, and when `until` stops a run);
    evaluation mode (the loss over the whole data set) normalises by the running estimates.
    running ← 0.9·running + 0.1·statistic, the variance unbiased (B/(B − 1)), as BatchNorm1d."""

    def __init__(self, width):
        super().__init__(width, eps=1e-5, momentum=0.1, dtype=DTYPE)
        self.last_input = None

    def forward(self, x):
        if self.training:
            self.last_input = x.detach()
            # torch.batch_norm without running estimates: nothing is updated here (and a batch of one sample normalises to 0, as in Grad).
            return torch.batch_norm(x, self.weight, self.bias, None, None, True, 0.0, self.eps, False)
        return torch.batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var, False, 0.0, self.eps, False)

    def commit(self):
        x = self.last_input
        size = x.shape[0]
        variance = x.var(0, unbiased=False) * (size / (size - 1) if size > 1 else 1.0)
        with torch.no_grad():
            self.running_mean.copy_((1 - self.momentum) * self.running_mean + self.momentum * x.mean(0))
            self.running_var.copy_((1 - self.momentum) * self.running_var + self.momentum * variance)


def layer_module(n_in, n_out, layer):
    kind = layer.get("kind", "dense")
    if kind == "norm layer":
        return nn.LayerNorm(n_out, eps=1e-5, dtype=DTYPE)
    if kind == "norm batch":
        return BatchNorm(n_out)
    return nn.Linear(n_in, n_out, dtype=DTYPE)


class Chain(nn.Module):
    """A Grad network: nn.Linear layers, each followed by its activation, and (v2) norm layers
    (nn.LayerNorm or BatchNorm above, eps 1e-5, gain and bias; z^l is their output, δ^l = ∂C/∂z^l)
    and residual blocks (the block's last layer outputs g(z) + the block's input, so δ also comes
    back through the identity path). forward returns every z^l (so that backward can fill
    ∂C/∂z^l) and the output a^L."""

    def __init__(self, spec):
        super().__init__()
        widths = [spec["input"]] + [layer["units"] for layer in spec["layers"]]
        self.linears = nn.ModuleList(layer_module(n_in, n_out, layer) for n_in, n_out, layer in zip(widths, widths[1:], spec["layers"]))
        self.activations = [activation(layer["activation"], layer["param"]) for layer in spec["layers"]]
        self.residual_from = [layer.get("residualFrom") for layer in spec["layers"]]
        with torch.no_grad():
            for linear, layer in zip(self.linears, spec["layers"]):
                linear.weight.copy_(torch.tensor(layer["weight"], dtype=DTYPE))
                linear.bias.copy_(torch.tensor(layer["bias"], dtype=DTYPE))
                if isinstance(linear, BatchNorm) and layer.get("runningMean") is not None:  # init from a run's weights
                    linear.running_mean.copy_(torch.tensor(layer["runningMean"], dtype=DTYPE))
                    linear.running_var.copy_(torch.tensor(layer["runningVar"], dtype=DTYPE))

    def forward(self, x):
        zs, outputs, a = [], [x], x
        for linear, g, skip in zip(self.linears, self.activations, self.residual_from):
            z = linear(a)
            if z.requires_grad:
                z.retain_grad()
            zs.append(z)
            a = g(z)
            if skip is not None:
                a = a + outputs[skip]  # a residual block's output: f(its input) + its input
            outputs.append(a)
        return zs, a

    def batch_norms(self):
        return [m for m in self.linears if isinstance(m, BatchNorm)]

    def commit(self):
        """Before an optimizer step: the batch norms' running estimates take in the batch it steps on."""
        for norm in self.batch_norms():
            norm.commit()

    def weight_grad_norms(self):
        """‖∂C/∂W^l‖ per layer: a dense layer's weights; a norm layer's gain and bias together."""
        return torch.stack([m.weight.grad.norm() if isinstance(m, nn.Linear) else torch.cat([m.weight.grad, m.bias.grad]).norm()
                            for m in self.linears]).tolist()

    def final_layers(self):
        """final.network.layers as Grad writes them."""
        def layer(index, m):
            if isinstance(m, nn.Linear):
                return {"index": index, "weights": matrix(m.weight), "bias": numbers(m.bias.tolist())}
            written = {"index": index, "gain": numbers(m.weight.tolist()), "bias": numbers(m.bias.tolist())}
            if isinstance(m, BatchNorm):
                written.update(runningMean=numbers(m.running_mean.tolist()), runningVar=numbers(m.running_var.tolist()))
            return written
        return [layer(i + 1, m) for i, m in enumerate(self.linears)]


def summed_loss(loss, output_activation, z, a, y):
    """Σ over the samples of Grad's per-sample loss: mse ½‖a − y‖²; bce from the logits z^L
    after a sigmoid; cross_entropy −Σ y log softmax of the logits (z^L after softmax or linear)."""
    if loss == "mse":
        return 0.5 * ((a - y) ** 2).sum()
    if loss == "bce" and output_activation == "sigmoid":
        return F.binary_cross_entropy_with_logits(z, y, reduction="sum")
    if loss == "bce":
        return -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum()
    logits = z if output_activation in ("softmax", "linear") else a
    return -(y * torch.log_softmax(logits, dim=1)).sum()


def make_optimizer(spec, parameters):
    """torch.optim with the effective values Grad used; foreach=False is the rule Grad follows."""
    kind = spec["kind"]
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=spec["lr"], momentum=spec["momentum"], dampening=spec["dampening"],
                               nesterov=spec["nesterov"], weight_decay=spec["weight_decay"], foreach=False)
    if kind == "adagrad":
        return torch.optim.Adagrad(parameters, lr=spec["lr"], eps=spec["eps"], weight_decay=spec["weight_decay"],
                                   initial_accumulator_value=spec["initial_accumulator"], foreach=False)
    if kind == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=spec["lr"], alpha=spec["alpha"], eps=spec["eps"], weight_decay=spec["weight_decay"],
                                   momentum=spec["momentum"], centered=spec["centered"], foreach=False)
    if kind == "adadelta":
        return torch.optim.Adadelta(parameters, lr=spec["lr"], rho=spec["rho"], eps=spec["eps"],
                                    weight_decay=spec["weight_decay"], foreach=False)
    adam = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
    return adam(parameters, lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"],
                weight_decay=spec["weight_decay"], amsgrad=spec["amsgrad"], foreach=False)


def make_schedule(phases, optimizer):
    """Grad's schedule as PyTorch's schedulers, stepped after every optimizer step; None for a constant lr."""
    if not phases:
        return None
    schedulers = torch.optim.lr_scheduler

    def one(phase):
        if phase["kind"] == "step":
            return schedulers.StepLR(optimizer, step_size=phase["every"], gamma=phase["gamma"])
        if phase["kind"] == "exponential":
            return schedulers.ExponentialLR(optimizer, gamma=phase["gamma"])
        if phase["kind"] == "cosine":
            return schedulers.CosineAnnealingLR(optimizer, T_max=phase["period"], eta_min=phase["min_lr"])
        return schedulers.LinearLR(optimizer, start_factor=phase["start"], end_factor=1.0, total_iters=phase["steps"])

    if len(phases) == 1:
        return one(phases[0])
    # warmup(…) then B: SequentialLR with the milestone at the warmup's steps.
    return schedulers.SequentialLR(optimizer, [one(phase) for phase in phases], milestones=[phases[0]["steps"]])


def total_norm(parameters):
    """‖g‖₂ over all parameters as clip_grad_norm_ computes it: the norm of the tensors' norms."""
    return torch.norm(torch.stack([torch.norm(p.grad.detach(), 2.0) for p in parameters]), 2.0).item()


def clip(spec, parameters):
    """clip norm C / clip value C, after backward and before the optimizer step."""
    if spec is None:
        return
    if spec["kind"] == "norm":
        torch.nn.utils.clip_grad_norm_(parameters, spec["bound"])
    else:
        torch.nn.utils.clip_grad_value_(parameters, spec["bound"])


def cures_of(run, optimizer, parameters):
    """What a trace point records of the cures: the next update's lr, the gradient's norm before
    clipping and whether clipping would change it."""
    point = {}
    if run["schedule"]:
        point["lr"] = number(optimizer.param_groups[0]["lr"])
    if run["clip"]:
        norm, bound = total_norm(parameters), run["clip"]["bound"]
        point["gradNorm"] = number(norm)
        point["clipped"] = bound / (norm + 1e-6) < 1.0 if run["clip"]["kind"] == "norm" \
            else any((p.grad.abs() > bound).any().item() for p in parameters)
    return point


# ---- the stepping loop (Grad's Runner) --------------------------------------------------------

def until_met(conditions, change, grad, objective):
    values = {"change": change, "grad": grad, "cost": objective, "loss": objective}
    return any(values[metric] < threshold for metric, threshold in conditions)


def finite(*values):
    return all(math.isfinite(v) for v in values)


def drive(run, start_is_finite, update):
    """Updates 1, 2, … until the planned steps are used up, or an update diverges (NaN or ∞)
    or meets an until condition. update(step) returns (diverged, satisfied)."""
    if not start_is_finite:
        return 0, "diverged"
    step = 0
    while step < run["steps"]:
        step += 1
        diverged, satisfied = update(step)
        if diverged:
            return step, "diverged"
        if satisfied:
            return step, "until"
    return step, "steps"


def flat(tensors):
    return torch.cat([t.detach().reshape(-1) for t in tensors])


def max_abs(tensor):
    return tensor.abs().max().item() if tensor.numel() else 0.0


class Batches:
    """The batches of a run in Grad's order: the whole set in file order, or each epoch's
    permutation (from Grad's shuffler, embedded below) cut into batches, the last one possibly
    smaller. With a world size above 1 each rank keeps its contiguous share of every batch."""

    def __init__(self, run, x, y, device, rank, world):
        self.x = torch.tensor(x, dtype=DTYPE, device=device)
        self.y = torch.tensor(y, dtype=DTYPE, device=device)
        count = len(x)
        self.orders = run["orders"] or [list(range(count))]
        self.size = run["batch"] or count
        batches = [order[i:i + self.size] for order in self.orders for i in range(0, count, self.size)]
        self.shares = [torch.tensor_split(torch.tensor(rows, dtype=torch.long), world)[rank].to(device) for rows in batches]
        self.sizes = [len(rows) for rows in batches]
        self.index = -1

    def advance(self, by=1):
        self.index += by

    def current(self):
        """This rank's rows of the current batch, and the whole batch's size."""
        index = self.index % len(self.shares)
        share = self.shares[index]
        return self.x[share], self.y[share], self.sizes[index]


def all_reduce(tensor, world):
    if world > 1:
        torch.distributed.all_reduce(tensor)
    return tensor


def train_network(run, data, device="cpu", rank=0, world=1):
    """One training run as Grad runs it; returns the run's entry of Grad's JSON."""
    spec = run["network"]
    model = Chain(spec).to(device)
    if world > 1 and model.batch_norms():
        raise SystemExit(f"run {run['name']}: norm batch normalises by the statistics of the whole batch; "
                         "it is not sharded over processes (run it without --world-size or torchrun)")
    parameters = list(model.parameters())
    optimizer = make_optimizer(run["optimizer"], parameters)
    schedule = make_schedule(run["schedule"], optimizer)
    x, y = load_data(data[run["dataKey"]], spec["layers"][-1]["units"])
    batches = Batches(run, x, y, device, rank, world)
    output_activation = spec["layers"][-1]["activation"]

    def evaluate():
        """Forward and backward on the current batch: the batch-mean loss, with ∂C/∂θ in .grad
        (summed over the ranks' shares) and each layer's mean per-sample ‖δ^l‖."""
        optimizer.zero_grad(set_to_none=False)
        bx, by, size = batches.current()
        zs, a = model(bx)
        loss = summed_loss(spec["loss"], output_activation, zs[-1], a, by) / size
        loss.backward()
        # z.grad = δ_i / B: a sample's own δ^l = ∂ℓ_i/∂z^l is its row times the batch size.
        sums = torch.stack([(z.grad * size).norm(dim=1).sum() for z in zs] + [loss.detach()])
        all_reduce(sums, world)
        for p in parameters:
            all_reduce(p.grad, world)
        sums = sums.tolist()
        return sums[-1], [s / size for s in sums[:-1]]

    def snapshot(step, loss, delta_norms):
        weight_norms = model.weight_grad_norms()
        return {"step": step, "loss": number(loss), **cures_of(run, optimizer, parameters),
                "deltaNorms": numbers(delta_norms), "weightGradNorms": numbers(weight_norms)}

    batches.advance()
    loss, deltas = evaluate()
    trace = [snapshot(0, loss, deltas)]
    state = {"loss": loss, "deltas": deltas, "current": trace[0]}

    def update(step):
        previous = flat(parameters)
        clip(run["clip"], parameters)
        model.commit()
        optimizer.step()
        if schedule:
            schedule.step()
        last = step == run["steps"]
        if not last:
            batches.advance()
        state["loss"], state["deltas"] = evaluate()
        now = flat(parameters)
        diverged = not finite(state["loss"]) or not torch.isfinite(now).all().item()
        satisfied = not diverged and until_met(run["until"], max_abs(now - previous), max_abs(flat(p.grad for p in parameters)), state["loss"])
        if satisfied and not last and batches.size < len(x):
            batches.advance(-1)  # the final state is measured on the batch of the last update
            state["loss"], state["deltas"] = evaluate()
        if step % run["recordEvery"] == 0 or diverged or satisfied or last:
            state["current"] = snapshot(step, state["loss"], state["deltas"])
            trace.append(state["current"])
        return diverged, satisfied

    steps, reason = drive(run, finite(loss) and torch.isfinite(flat(parameters)).all().item(), update)
    current = state["current"] if state["current"]["step"] == steps else snapshot(steps, state["loss"], state["deltas"])
    layers = [dict(layer, deltaNorm={"initial": trace[0]["deltaNorms"][i], "final": current["deltaNorms"][i]},
                   weightGradNorm={"initial": trace[0]["weightGradNorms"][i], "final": current["weightGradNorms"][i]})
              for i, layer in enumerate(run["layers"])]
    final_network = model.final_layers()
    model.eval()  # the whole set, as Grad measures it: batch norms by their running estimates
    data_loss, accuracy = whole_data_set(model, spec["loss"], output_activation, batches.x, batches.y)
    model.train()
    return {"name": run["name"], "kind": "train", "network": run["networkName"], "data": run["data"],
            "optimizer": run["optimizerJson"], "stepsTaken": steps, "stopReason": reason,
            "final": {"loss": number(state["loss"]), "dataLoss": number(data_loss), "accuracy": accuracy,
                      "network": {"layers": final_network}},
            "layers": layers, "trace": trace}


def whole_data_set(model, loss, output_activation, x, y):
    """The mean loss over every sample at the final weights and, for bce and cross_entropy, the
    accuracy: (z > 0) == y per output, or argmax z == argmax y per sample."""
    with torch.no_grad():
        zs, a = model(x)
        mean = summed_loss(loss, output_activation, zs[-1], a, y).item() / len(x)
        if loss == "bce":
            return mean, ((zs[-1] > 0).to(DTYPE) == y).to(DTYPE).mean().item()
        if loss == "cross_entropy":
            return mean, (zs[-1].argmax(dim=1) == y.argmax(dim=1)).to(DTYPE).mean().item()
        return mean, None


def minimize(run, device="cpu"):
    """One minimize run: the cost (rendered from the .grad file) over one parameter vector."""
    cost, names = COSTS[run["cost"]], run["parameters"]
    theta = torch.tensor(run["start"], dtype=DTYPE, device=device, requires_grad=True)
    optimizer = make_optimizer(run["optimizer"], [theta])
    schedule = make_schedule(run["schedule"], optimizer)

    def evaluate():
        optimizer.zero_grad(set_to_none=False)
        value = cost(*theta.unbind())
        value.backward()
        return value.item()

    def point(step, value):
        return {"step": step, "cost": number(value), "params": by_name(names, theta), "gradient": by_name(names, theta.grad),
                **cures_of(run, optimizer, [theta])}

    value = evaluate()
    trace = [point(0, value)]
    state = {"value": value}

    def update(step):
        previous = theta.detach().clone()
        clip(run["clip"], [theta])
        optimizer.step()
        if schedule:
            schedule.step()
        state["value"] = evaluate()
        diverged = not finite(state["value"]) or not torch.isfinite(theta).all().item()
        satisfied = not diverged and until_met(run["until"], max_abs(theta.detach() - previous), max_abs(theta.grad), state["value"])
        if step % run["recordEvery"] == 0 or diverged or satisfied or step == run["steps"]:
            trace.append(point(step, state["value"]))
        return diverged, satisfied

    steps, reason = drive(run, finite(value) and torch.isfinite(theta).all().item(), update)
    return {"name": run["name"], "kind": "minimize", "cost": run["cost"], "optimizer": run["optimizerJson"], "stepsTaken": steps,
            "stopReason": reason, "final": {"cost": number(state["value"]), "params": by_name(names, theta),
                                            "gradient": by_name(names, theta.grad)},
            "trace": trace}


# ---- Grad's JSON, and the comparison with it ----------------------------------------------------

def number(value):
    """Finite numbers as JSON numbers; NaN and the infinities as the strings Grad writes."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def numbers(values):
    return [number(v) for v in values]


def matrix(tensor):
    return [numbers(row) for row in tensor.tolist()]


def by_name(names, tensor):
    return dict(zip(names, numbers(tensor.tolist())))


def write_json(report, path):
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if path == "-":
        print(text)
        return
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(temporary, path)


RELATIVE_TOLERANCE = 1e-10


ABSOLUTE_FLOOR = 1e-15


def close(ours, grads, scale=0.0):
    """Equal, or |a − b| ≤ 1e-10 · max(|a|, |b|, scale) + 1e-15, where scale is the largest
    magnitude in the array the two numbers belong to (a weight matrix, a bias vector, a point's
    per-layer norms; 0 for a number on its own). An array is compared relative to its own size, as
    norm-wise errors are measured: a weight a thousand times smaller than its layer's largest carries
    the rounding of the sums it came from, which is the layer's (a 2,400-step Adam run of
    examples/spirals.grad ends with such weights 1e-12 apart, 9e-10 of their own size, while every
    weight matrix agrees to 5e-12 of its largest). The tiny absolute floor is for sums that cancel to
    nearly zero (a gradient near a minimum): their last bits are rounding noise that depends on the
    order of the additions, which no two libraries share."""
    if isinstance(ours, str) or isinstance(grads, str):
        return ours == grads
    return abs(ours - grads) <= RELATIVE_TOLERANCE * max(abs(ours), abs(grads), scale) + ABSOLUTE_FLOOR


def largest_magnitude(ours, grads):
    """The largest |x| among the numbers of two arrays (nested lists of numbers only), or None when
    either holds anything else (then it is not one array: its parts are compared on their own)."""
    largest = 0.0
    for side in (ours, grads):
        stack = [side]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, (int, float)) and not isinstance(item, bool):
                if math.isfinite(item):
                    largest = max(largest, abs(item))
            else:
                return None
    return largest


def first_mismatch(ours, grads, path, skipped, scale=0.0):
    """The first place where this script's JSON differs from Grad's, or None. Every value both
    write is compared; what only one of them writes is listed in skipped."""
    if isinstance(ours, dict):
        if not isinstance(grads, dict):
            return f"{path}: Grad has {json.dumps(grads)[:80]}"
        for key, value in ours.items():
            if key not in grads:
                skipped.add(re.sub(r"\[[^\]]*\]", "[]", f"{path}.{key}"))
                continue
            found = first_mismatch(value, grads[key], f"{path}.{key}", skipped)
            if found:
                return found
        return None
    if isinstance(ours, list):
        if not isinstance(grads, list) or len(grads) != len(ours):
            return f"{path}: {len(ours)} entries here, Grad has {len(grads) if isinstance(grads, list) else json.dumps(grads)[:80]}"
        if scale == 0.0:
            scale = largest_magnitude(ours, grads) or 0.0
        for i, (a, b) in enumerate(zip(ours, grads)):
            found = first_mismatch(a, b, f"{path}[{i}]", skipped, scale)
            if found:
                return found
        return None
    numeric = (int, float, str)
    if isinstance(ours, bool) or isinstance(grads, bool) or not isinstance(ours, numeric) or not isinstance(grads, numeric):
        return None if ours == grads else f"{path}: {ours!r} here, {grads!r} in Grad's JSON"
    if isinstance(ours, str) != isinstance(grads, str) or not close(ours, grads, scale):
        return f"{path}: {ours!r} here, {grads!r} in Grad's JSON"
    return None


def check(report, path):
    """Compares this script's runs with those of a `grad run --json` file: (the first mismatch
    or None, the values Grad's JSON does not have)."""
    with open(path, encoding="utf-8") as f:
        grads = {run["name"]: run for run in json.load(f)["runs"]}
    skipped = set()
    for run in report["runs"]:
        if run["name"] not in grads:
            return f"runs[{run['name']}]: not in {path}", skipped
        found = first_mismatch(run, grads[run["name"]], f"runs[{run['name']}]", skipped)
        if found:
            return found, skipped
    return None, skipped


def finish(report, args):
    """Writes the JSON and compares with Grad's (rank 0 alone, when data-parallel). Returns the exit code."""
    if args.json:
        write_json(report, args.json)
    if not args.check:
        return 0
    mismatch, skipped = check(report, args.check)
    for path in sorted(skipped):
        print(f"not compared (not in {args.check}): {path}", file=sys.stderr)
    if mismatch:
        print(f"mismatch: {mismatch}", file=sys.stderr)
        return 1
    print(f"agrees with {args.check} (relative {RELATIVE_TOLERANCE:g}): {', '.join(r['name'] for r in report['runs'])}", file=sys.stderr)
    return 0
