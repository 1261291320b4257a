# Telephone band fill, the experiment in models/telephone/README.md: every transcribed telephone clip of the
# dev set with its empty band above HI Hz (default 3500; 4000 chosen) filled by noise that follows the 1-3.4 kHz
# level of each frame, shaped by the average high-band level of the dev split's studio clips.
# python3 band-fill.py OUT; env HI, GAIN, SEED. OUT/phone mirrors .devset/phone.
import json, subprocess, sys, os, numpy as np
from scipy.signal import stft, istft
root = os.environ.get('DEVSET', '.devset')
m = json.load(open(f'{root}/manifest.json'))
N, H, SR = 512, 128, 16000
freqs = np.arange(N // 2 + 1) * SR / N
hi = freqs >= float(os.environ.get('HI', 3500))
lo = (freqs >= 1000) & (freqs <= 3400)
def read16(path):
    raw = subprocess.run(['sox', path, '-t', 'f32', '-r', '16000', '-c', '1', '-'], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32).astype(np.float64)
def spec(x):
    return stft(x, fs=SR, nperseg=N, noverlap=N - H)[2]
# envelope: mean over loud frames of log(|X_hi| / mean|X_lo|), studio dev clips
acc, n = np.zeros(hi.sum()), 0
for c in m['clips']:
    if c['split'] != 'dev' or c['channel'] != 'studio' or not c.get('text'): continue
    X = np.abs(spec(read16(f"{root}/{c['path']}")))
    lm = X[lo].mean(0)
    loud = lm > 0.1 * np.percentile(lm, 95)
    acc += np.log(X[hi][:, loud] + 1e-9).sum(1) - np.log(lm[loud] + 1e-9).sum() ; n += loud.sum()
env = np.exp(acc / n)
gain = float(os.environ.get('GAIN', 1))
rng = np.random.default_rng(int(os.environ.get('SEED', 1)))
out = sys.argv[1]
for c in m['clips']:
    if c['channel'] != 'telephone' or not c.get('text'): continue
    x = read16(f"{root}/{c['path']}")
    X = spec(x)
    lm = np.abs(X[lo]).mean(0)
    fill = gain * env[:, None] * lm[None, :] * np.exp(2j * np.pi * rng.random((hi.sum(), X.shape[1])))
    X[hi] = fill
    y = istft(X, fs=SR, nperseg=N, noverlap=N - H)[1][: len(x)]
    p = f"{out}/{c['path']}"; os.makedirs(os.path.dirname(p), exist_ok=True)
    subprocess.run(['sox', '-t', 'f32', '-r', '16000', '-c', '1', '-', '-b', '16', p], input=np.clip(y, -1, 1).astype(np.float32).tobytes(), check=True)
print('env dB', np.round(20 * np.log10(env[::16]), 1))
