#!/usr/bin/python3
"""Writes torch_reference.json: what PyTorch (float64, one thread) computes for the cases that
tests/Grad.Runtime.Tests/TorchAgreementTests.cs checks Grad against. CI has no torch, so the
output is committed; rerun after changing a case:

    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 tests/reference/make_reference.py

Networks use explicit weights (written to the JSON), so no random stream has to match.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(20261129)


def randn(*shape, std=1.0):
    return (torch.randn(*shape, generator=gen) * std).tolist()


# ---- networks -------------------------------------------------------------------------------

def activate(name, param, z):
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, param)
    if name == "elu":
        return F.elu(z, param)
    if name == "softplus":
        return F.softplus(z)
    if name == "gelu":
        return F.gelu(z)
    if name == "linear":
        return z
    if name == "softmax":
        return torch.softmax(z, dim=1)
    raise ValueError(name)


def network_loss(net, params, x, y):
    """The batch-mean loss of LANGUAGE.md: mse = ½‖a − y‖², bce from the logits, cross-entropy of softmax(z^L)."""
    a = x
    z = None
    for layer, (w, b) in zip(net["layers"], params):
        z = a @ w.T + b
        a = activate(layer["activation"], layer.get("param", 0.0), z)
    batch = x.shape[0]
    if net["loss"] == "mse":
        return 0.5 * ((a - y) ** 2).sum() / batch
    if net["loss"] == "bce":
        return F.binary_cross_entropy_with_logits(z, y, reduction="sum") / batch
    return -(y * torch.log_softmax(z, dim=1)).sum() / batch


def tensors(net):
    return [(torch.tensor(l["weights"], requires_grad=True), torch.tensor(l["bias"], requires_grad=True)) for l in net["layers"]]


def make_network(widths, activations, loss, batch, std=0.7):
    layers = []
    for i, (units, act) in enumerate(zip(widths[1:], activations)):
        name, param = act if isinstance(act, tuple) else (act, 0.0)
        layers.append({"units": units, "activation": name, "param": param,
                       "weights": randn(units, widths[i], std=std), "bias": randn(units, std=0.3)})
    x = randn(batch, widths[0])
    out = widths[-1]
    if loss == "mse":
        y = randn(batch, out)
    elif loss == "bce":
        y = (torch.rand(batch, out, generator=gen) < 0.5).double().tolist()
    else:
        y = F.one_hot(torch.randint(0, out, (batch,), generator=gen), out).double().tolist()
    return {"input": widths[0], "layers": layers, "loss": loss, "x": x, "y": y}


def gradient_case(name, net):
    params = tensors(net)
    loss = network_loss(net, params, torch.tensor(net["x"]), torch.tensor(net["y"]))
    loss.backward()
    return {"name": name, "network": net, "loss": loss.item(),
            "gradients": [{"weights": w.grad.tolist(), "bias": b.grad.tolist()} for w, b in params]}


hidden = ["sigmoid", "tanh", "relu", ("leaky_relu", 0.1), ("elu", 0.7), "softplus", "gelu", "linear"]
gradients = []
for act in hidden:
    label = act if isinstance(act, str) else act[0]
    gradients.append(gradient_case(f"{label}/mse", make_network([3, 4, 3, 2], [act, act, act], "mse", 5)))
    gradients.append(gradient_case(f"{label}/bce", make_network([3, 4, 3, 2], [act, act, "sigmoid"], "bce", 5)))
    gradients.append(gradient_case(f"{label}/cross_entropy", make_network([3, 4, 3, 3], [act, act, "softmax"], "cross_entropy", 5)))
    gradients.append(gradient_case(f"{label}/cross_entropy_logits", make_network([3, 4, 3, 3], [act, act, "linear"], "cross_entropy", 5)))

# ---- optimizers -----------------------------------------------------------------------------

# Grad's argument names → torch.optim's.
optimizer_cases = [
    ("sgd", {"lr": 1e-3}),
    ("sgd", {"lr": 1e-3, "momentum": 0.9}),
    ("sgd", {"lr": 1e-3, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgd", {"lr": 1e-3, "momentum": 0.8, "nesterov": True}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.05, "eps": 1e-6, "initial_accumulator": 0.5}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True}),
    ("rmsprop", {"lr": 0.001, "centered": True}),
    ("adadelta", {}),
    ("adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05, "amsgrad": True}),
    ("adamw", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
]


def torch_optimizer(name, args, params):
    a = dict(args)
    if name in ("adam", "adamw"):
        beta1 = a.pop("beta1", 0.9)
        beta2 = a.pop("beta2", 0.999)
        a["betas"] = (beta1, beta2)
    if "initial_accumulator" in a:
        a["initial_accumulator_value"] = a.pop("initial_accumulator")
    cls = {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
           "adadelta": torch.optim.Adadelta, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name]
    return cls(params, **a)


def rosenbrock_trajectory(name, args, steps=100):
    p = torch.tensor([-1.2, 1.0], requires_grad=True)
    opt = torch_optimizer(name, args, [p])
    trajectory = []
    for _ in range(steps):
        opt.zero_grad()
        x, y = p[0], p[1]
        cost = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
        cost.backward()
        opt.step()
        trajectory.append(p.detach().tolist())
    return trajectory


training_network = make_network([3, 5, 2], ["tanh", "linear"], "mse", 8, std=0.8)


def network_training(name, args, steps=100):
    params = tensors(training_network)
    flat = [t for pair in params for t in pair]
    opt = torch_optimizer(name, args, flat)
    x = torch.tensor(training_network["x"])
    y = torch.tensor(training_network["y"])
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = network_loss(training_network, params, x, y)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    with torch.no_grad():
        losses.append(network_loss(training_network, params, x, y).item())
    return {"losses": losses, "parameters": [v for w, b in params for v in w.detach().flatten().tolist() + b.detach().tolist()]}


optimizers = []
for name, args in optimizer_cases:
    optimizers.append({"optimizer": name, "args": args,
                       "rosenbrock": rosenbrock_trajectory(name, args),
                       "network": network_training(name, args)})

# ---- inits ----------------------------------------------------------------------------------

inits = []
for init, fn in [("xavier_uniform", torch.nn.init.xavier_uniform_), ("xavier_normal", torch.nn.init.xavier_normal_),
                 ("he_uniform", lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")),
                 ("he_normal", lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu"))]:
    for units, fan_in in [(300, 200), (64, 500)]:
        w = torch.empty(units, fan_in)
        fn(w)
        inits.append({"init": init, "units": units, "inputs": fan_in, "std": w.std().item(),
                      "maxAbs": w.abs().max().item(), "mean": w.mean().item()})

out = {"torch": torch.__version__, "gradients": gradients, "trainingNetwork": training_network,
       "optimizers": optimizers, "inits": inits}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {path}: {len(gradients)} gradient cases, {len(optimizers)} optimizer cases, {len(inits)} init cases")
