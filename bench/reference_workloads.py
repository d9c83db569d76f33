#!/usr/bin/python3
"""The PyTorch and NumPy side of bench/compare.sh: workloads W1–W4 of bench/workloads/, float64,
one thread (PyTorch eager). Prints one line per measurement, `key microseconds_per_step`
(best of 5 rounds), in CPU time of this process (as bench/compare.sh times the CLI: on a shared machine
the CPU time of a one-thread computation is its wall time on a quiet one). Usage: reference_workloads.py DIR, where DIR holds w3.csv and w4.csv.

reference_workloads.py DIR w3-wall N: only W3's step in wall time at N threads (torch.set_num_threads(N); the caller
sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS to N too), printed as `w3_torch_wall_Nt microseconds`: what PyTorch's
own step gains from a second thread on this machine, beside Grad's in bench/compare.sh."""
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

wall_threads = int(sys.argv[3]) if sys.argv[2:3] == ["w3-wall"] else None
torch.set_num_threads(wall_threads or 1)
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
folder = sys.argv[1]


def measure(action, iterations, clock=time.process_time):
    """Microseconds per call of action: the best of 5 rounds of iterations calls, after warm-up calls; CPU time of
    this process, or with clock=time.perf_counter wall time (a step on several threads)."""
    for _ in range(max(3, iterations // 10)):
        action()
    best = float("inf")
    for _ in range(5):
        start = clock()
        for _ in range(iterations):
            action()
        best = min(best, (clock() - start) / iterations * 1e6)
    return best


def load(name, target):
    header = open(f"{folder}/{name}").readline().strip().split(",")
    table = np.loadtxt(f"{folder}/{name}", delimiter=",", skiprows=1)
    column = header.index(target)
    return np.delete(table, column, axis=1), table[:, column]


# W1: bowl(w1, w2) = 0.001·w1² + w2², sgd(lr = 0.5).
w1 = torch.tensor([1.0, 1.0], requires_grad=True)
w1_optimizer = torch.optim.SGD([w1], lr=0.5)
w1_plain = torch.tensor([1.0, 1.0], requires_grad=True)


def w1_torch_optim():
    w1_optimizer.zero_grad()
    cost = 0.001 * w1[0] ** 2 + w1[1] ** 2
    cost.backward()
    w1_optimizer.step()


def w1_torch():
    cost = 0.001 * w1_plain[0] ** 2 + w1_plain[1] ** 2
    cost.backward()
    with torch.no_grad():
        w1_plain.sub_(0.5 * w1_plain.grad)
    w1_plain.grad = None


p = [1.0, 1.0]


def w1_python():
    g0, g1 = 0.002 * p[0], 2 * p[1]
    p[0] -= 0.5 * g0
    p[1] -= 0.5 * g1


# W2: 50 one-neuron sigmoid layers, one sample, mse, sgd(lr = 0.1).
chain = [torch.randn(1, 1, requires_grad=True) for _ in range(50)] + [torch.randn(1, requires_grad=True) for _ in range(50)]
chain_optimizer = torch.optim.SGD(chain, lr=0.1)
cx, cy = torch.tensor([[0.5]]), torch.tensor([[1.0]])


def w2_torch():
    chain_optimizer.zero_grad()
    a = cx
    for w, b in zip(chain[:50], chain[50:]):
        a = torch.sigmoid(a @ w.T + b)
    loss = 0.5 * ((a - cy) ** 2).sum()
    loss.backward()
    chain_optimizer.step()


chain_w = np.random.default_rng(0).standard_normal(50)
chain_b = np.zeros(50)


def w2_numpy():
    a = np.empty(51)
    a[0] = 0.5
    for l in range(50):
        a[l + 1] = 1 / (1 + np.exp(-(chain_w[l] * a[l] + chain_b[l])))
    delta = (a[50] - 1.0) * a[50] * (1 - a[50])
    for l in range(49, -1, -1):
        grad_w, grad_b = delta * a[l], delta
        if l:
            delta = delta * chain_w[l] * a[l] * (1 - a[l])
        chain_w[l] -= 0.1 * grad_w
        chain_b[l] -= 0.1 * grad_b


def mlp(widths, hidden, output):
    layers = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), hidden()]
    return torch.nn.Sequential(*layers[:-1], output())


def numpy_net(widths, rng):
    return [(rng.standard_normal((o, i)) * np.sqrt(1 / i), np.zeros(o)) for i, o in zip(widths, widths[1:])]


# W3: 784-512-512-10 relu, cross-entropy, batch 128, sgd(lr = 0.01).
x3, y3 = load("w3.csv", "label")
w3_model = mlp([784, 512, 512, 10], torch.nn.ReLU, torch.nn.Identity)
w3_optimizer = torch.optim.SGD(w3_model.parameters(), lr=0.01)
tx3, ty3 = torch.tensor(x3), torch.tensor(y3, dtype=torch.long)


def w3_torch():
    w3_optimizer.zero_grad()
    F.cross_entropy(w3_model(tx3), ty3).backward()
    w3_optimizer.step()


w3_net = numpy_net([784, 512, 512, 10], np.random.default_rng(1))
onehot3 = np.eye(10)[y3.astype(int)]


def w3_numpy():
    acts, zs = [x3], []
    for l, (w, b) in enumerate(w3_net):
        z = acts[-1] @ w.T + b
        zs.append(z)
        acts.append(np.maximum(z, 0) if l < 2 else z)
    e = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    delta = (e / e.sum(axis=1, keepdims=True) - onehot3) / len(x3)
    for l in range(2, -1, -1):
        w, b = w3_net[l]
        grad_w, grad_b = delta.T @ acts[l], delta.sum(axis=0)
        if l:
            delta = (delta @ w) * (zs[l - 1] > 0)
        w -= 0.01 * grad_w
        b -= 0.01 * grad_b


# W4: 32 → 20 × 64 sigmoid → 1 linear, mse, batch 64, sgd(lr = 0.1).
x4, y4 = load("w4.csv", "y")
w4_model = mlp([32] + [64] * 20 + [1], torch.nn.Sigmoid, torch.nn.Identity)
w4_optimizer = torch.optim.SGD(w4_model.parameters(), lr=0.1)
tx4, ty4 = torch.tensor(x4), torch.tensor(y4).reshape(-1, 1)


def w4_torch():
    w4_optimizer.zero_grad()
    (0.5 * ((w4_model(tx4) - ty4) ** 2).sum(dim=1).mean()).backward()
    w4_optimizer.step()


w4_net = numpy_net([32] + [64] * 20 + [1], np.random.default_rng(2))
ny4 = y4.reshape(-1, 1)


def w4_numpy():
    acts = [x4]
    for l, (w, b) in enumerate(w4_net):
        z = acts[-1] @ w.T + b
        acts.append(1 / (1 + np.exp(-z)) if l < 20 else z)
    delta = (acts[-1] - ny4) / len(x4)
    for l in range(20, -1, -1):
        w, b = w4_net[l]
        grad_w, grad_b = delta.T @ acts[l], delta.sum(axis=0)
        if l:
            delta = (delta @ w) * acts[l] * (1 - acts[l])
        w -= 0.1 * grad_w
        b -= 0.1 * grad_b


if wall_threads is not None:
    print(f"w3_torch_wall_{wall_threads}t {measure(w3_torch, 20, clock=time.perf_counter):.1f}")
    sys.exit(0)

print(f"w1_torch {measure(w1_torch, 3000):.4f}")
print(f"w1_torch_optim {measure(w1_torch_optim, 3000):.4f}")
print(f"w1_python {measure(w1_python, 200000):.4f}")
print(f"w2_torch {measure(w2_torch, 100):.3f}")
print(f"w2_numpy {measure(w2_numpy, 1000):.3f}")
print(f"w3_torch {measure(w3_torch, 10):.1f}")
print(f"w3_numpy {measure(w3_numpy, 10):.1f}")
print(f"w4_torch {measure(w4_torch, 60):.1f}")
print(f"w4_numpy {measure(w4_numpy, 60):.1f}")
