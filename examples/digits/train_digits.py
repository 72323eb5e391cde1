#!/usr/bin/python3
"""Train the bundled default model: a small CNN on scikit-learn's 8x8 digits, int8 by PyTorch.

    /usr/bin/python3 examples/digits/train_digits.py [--out-dir examples/digits] [--epochs 60]

Uses Debian's python3-torch (1.13) and python3-sklearn; no download (the digits ship with
scikit-learn). Steps: train in float (seeded, one thread, so reruns give the same weights), fuse
conv+bn+relu, eager-mode post-training quantization (per-channel int8 weights, uint8
activations, calibrated on the whole training split), export to ONNX (QDQ, opset 13). Writes
    digits_cnn.onnx      the int8 model (input "input" [1,1,8,8] float, output "output" [1,10])
    digits_test_x.npy    float32 [N,1,8,8], pixels / 16 (the test split, N = 360)
    digits_test_y.npy    int64 [N], the labels
and prints the float and int8 test accuracy (PyTorch's own kernels).
"""
import argparse
import os
import random

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))


class DigitsCNN(nn.Module):
    """conv3x3(8)-bn-relu-conv3x3(16)-bn-relu-maxpool2-flatten-fc(10), 8x8x1 input."""

    def __init__(self):
        super().__init__()
        self.quant = torch.quantization.QuantStub()
        self.conv1 = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.conv2 = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 4 * 4, 10)
        self.dequant = torch.quantization.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool(self.conv2(self.conv1(x)))
        x = self.fc(torch.flatten(x, 1))
        return self.dequant(x)

    def fuse(self):
        for seq in (self.conv1, self.conv2):
            torch.quantization.fuse_modules(seq, ["0", "1", "2"], inplace=True)


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=HERE)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--qconfig", default="fbgemm", choices=["fbgemm", "qnnpack"],
                    help="PyTorch default qconfig: per-channel weights, uint8 activations")
    args = ap.parse_args()

    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)

    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    gen = torch.Generator().manual_seed(0)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        sched.step()
    model.eval()
    float_acc = accuracy(model, x_test, y_test)

    # Post-training quantization, eager mode.
    # Debian's torch has no FBGEMM engine; its x86 engine (onednn) runs fbgemm-style qconfigs.
    engines = torch.backends.quantized.supported_engines
    engine = next(e for e in (args.qconfig, "onednn", "x86", "fbgemm", "qnnpack") if e in engines)
    torch.backends.quantized.engine = engine
    model.fuse()
    model.qconfig = torch.quantization.get_default_qconfig(args.qconfig)
    torch.quantization.prepare(model, inplace=True)
    with torch.no_grad():
        model(xt)                                   # calibrate on the whole training split
    torch.quantization.convert(model, inplace=True)
    int8_acc = accuracy(model, x_test, y_test)

    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "digits_cnn.onnx")
    torch.onnx.export(model, torch.from_numpy(x_test[:1]), onnx_path, opset_version=13,
                      input_names=["input"], output_names=["output"], do_constant_folding=True)
    np.save(os.path.join(args.out_dir, "digits_test_x.npy"), x_test)
    np.save(os.path.join(args.out_dir, "digits_test_y.npy"), y_test)
    print(f"float test accuracy: {float_acc:.4f}")
    print(f"int8 test accuracy (PyTorch, qconfig {args.qconfig}, engine {engine}): {int8_acc:.4f}")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes), {len(y_test)} test samples")


if __name__ == "__main__":
    main()
