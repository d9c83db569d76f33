#!/usr/bin/python3
"""The PyTorch side of bench/compare.sh: the same two workloads as bench/Grad.Benchmarks
(Workloads.cs), float64, one thread, eager mode. Prints `chain_us X` and `mlp_us Y`
(best of 5 rounds, microseconds per operation)."""
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def measure(action, iterations):
    for _ in range(max(3, iterations // 10)):
        action()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(iterations):
            action()
        best = min(best, (time.perf_counter() - start) / iterations * 1e6)
    return best


# chain: 50 layers of one sigmoid neuron, one sample, mse = ½(a − y)²; forward + backward.
chain = [(torch.randn(1, 1, requires_grad=True), torch.randn(1, requires_grad=True)) for _ in range(50)]
cx = torch.tensor([[0.5]])
cy = torch.tensor([[1.0]])


def chain_step():
    a = cx
    for w, b in chain:
        a = torch.sigmoid(a @ w.T + b)
    loss = 0.5 * ((a - cy) ** 2).sum()
    for w, b in chain:
        w.grad = None
        b.grad = None
    loss.backward()


# mlp: 784-512-512-10 ReLU, linear output, cross-entropy, batch 128; one SGD step.
model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
mx = torch.rand(128, 784)
my = torch.randint(0, 10, (128,))


def mlp_step():
    optimizer.zero_grad()
    loss = F.cross_entropy(model(mx), my)
    loss.backward()
    optimizer.step()


print(f"chain_us {measure(chain_step, 2000):.3f}")
print(f"mlp_us {measure(mlp_step, 30):.1f}")
