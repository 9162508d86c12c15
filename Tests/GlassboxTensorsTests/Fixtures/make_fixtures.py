#!/usr/bin/env python3
"""Reference values for GlassboxTensorsTests, computed independently with NumPy in float64.

Inputs are drawn from a seeded NumPy generator and rounded to float32 (so Swift reads exactly the
same inputs); expected outputs are computed in float64 from those float32 inputs and stored as
JSON: {"name": {"shape": [...], "data": [flat row-major values]}, ...}.

Run from this directory:  python3 make_fixtures.py   (writes *.json next to this script)

Conventions followed (so the fixtures check the conventions, not just our arithmetic):
- lstm_cell: PyTorch nn.LSTMCell layout — W_ih (4H, I), W_hh (4H, H), gate rows i, f, g, o;
  i, f, o use the logistic sigmoid and g uses tanh; c' = f*c + i*g; h' = o*tanh(c').
- attention: softmax(Q K^T / sqrt(d_k) + M) V (Vaswani et al. 2017), causal mask M = -inf above
  the diagonal.
- adam: Kingma & Ba 2015, Algorithm 1, with bias correction; PyTorch defaults except lr.
- sgd: PyTorch torch.optim.SGD with momentum (buf = momentum*buf + g, p -= lr*buf).
- cross_entropy: PyTorch F.cross_entropy with class-index targets, mean over the batch.
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240611)


def f32(a):
    """Round to float32, then work in float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def randn(*shape, scale=1.0):
    return f32(rng.standard_normal(shape) * scale)


def pack(**arrays):
    return {k: {"shape": list(np.shape(v)), "data": [float(x) for x in np.ravel(v)]} for k, v in arrays.items()}


def save(name, obj):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".json"), "w") as f:
        json.dump(obj, f, indent=1)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# lstm_cell ------------------------------------------------------------------------------------
B, I, H = 2, 3, 4
x, h, c = randn(B, I), randn(B, H), randn(B, H)
W_ih, W_hh = randn(4 * H, I, scale=0.5), randn(4 * H, H, scale=0.5)
b_ih, b_hh = randn(4 * H, scale=0.5), randn(4 * H, scale=0.5)
pre = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
i_t, f_t, g_t, o_t = sigmoid(pre[:, 0:H]), sigmoid(pre[:, H:2 * H]), np.tanh(pre[:, 2 * H:3 * H]), sigmoid(pre[:, 3 * H:])
c_t = f_t * c + i_t * g_t
h_t = o_t * np.tanh(c_t)
save("lstm_cell", pack(x=x, h=h, c=c, W_ih=W_ih, W_hh=W_hh, b_ih=b_ih, b_hh=b_hh,
                       i_t=i_t, f_t=f_t, g_t=g_t, o_t=o_t, c_t=c_t, h_t=h_t))

# masked attention ------------------------------------------------------------------------------
Bh, T, d, dv = 2, 4, 3, 2
Q, K, V = randn(Bh, T, d), randn(Bh, T, d), randn(Bh, T, dv)
mask = np.triu(np.full((T, T), -np.inf), k=1)
scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d) + mask
scores = scores - scores.max(axis=-1, keepdims=True)
weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
out = weights @ V
save("attention_masked", pack(Q=Q, K=K, V=V, weights=weights, output=out))

# adam: three steps ------------------------------------------------------------------------------
lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
p = randn(5)
grads = [randn(5) for _ in range(3)]
m = np.zeros(5)
v = np.zeros(5)
adam = {"p0": p.copy()}
for t, g in enumerate(grads, start=1):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    adam[f"g{t}"] = g
    adam[f"p{t}"] = p.copy()
    adam[f"m{t}"] = m.copy()
    adam[f"v{t}"] = v.copy()
    adam[f"m_hat{t}"] = m_hat
    adam[f"v_hat{t}"] = v_hat
adam["lr"] = np.array(lr)
save("adam_three_steps", pack(**adam))

# sgd with momentum: three steps ------------------------------------------------------------------
lr, mu = 0.1, 0.9
p = randn(5)
buf = np.zeros(5)
sgd = {"p0": p.copy()}
for t in range(1, 4):
    g = grads[t - 1]
    buf = mu * buf + g
    p = p - lr * buf
    sgd[f"g{t}"] = g
    sgd[f"p{t}"] = p.copy()
save("sgd_momentum_three_steps", pack(**sgd))

# cross_entropy ------------------------------------------------------------------------------------
Bc, C = 4, 5
logits = randn(Bc, C, scale=2.0)
labels = np.array([3.0, 0.0, 4.0, 1.0])
z = logits - logits.max(axis=1, keepdims=True)
logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
loss = -logp[np.arange(Bc), labels.astype(int)].mean()
onehot = np.eye(C)[labels.astype(int)]
dlogits = (np.exp(logp) - onehot) / Bc
save("cross_entropy", pack(logits=logits, labels=labels, loss=np.array(loss), dlogits=dlogits))
