"""Before/after comparison of two stills: what changed, as a picture a person can read at a glance."""

from dataclasses import dataclass

import numpy as np

from app.errors import PitwallError
from app.sources.camera._cv import cv2


@dataclass
class Difference:
    image: np.ndarray  # BGR: the "after" still dimmed, changed areas painted red and outlined
    changed_fraction: float  # share of pixels that changed beyond the noise threshold
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h of each changed region, largest first


def difference(before: np.ndarray, after: np.ndarray, threshold: int = 30, min_area: int = 25) -> Difference:
    """Compare `after` with `before` (resized to match): JPEG noise and small shifts stay below the threshold."""
    if after.shape[:2] != before.shape[:2]:
        after = cv2.resize(after, (before.shape[1], before.shape[0]), interpolation=cv2.INTER_AREA)
    a = cv2.GaussianBlur(cv2.cvtColor(before, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    b = cv2.GaussianBlur(cv2.cvtColor(after, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    colour = cv2.absdiff(before, after).max(axis=2)
    delta = np.maximum(cv2.absdiff(a, b), colour)
    mask = (delta > threshold).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    out = (after * 0.45).astype(np.uint8)
    red = np.zeros_like(out)
    red[:, :, 2] = 255
    hit = mask > 0
    out[hit] = cv2.addWeighted(after, 0.4, red, 0.6, 0)[hit]
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rects = [cv2.boundingRect(c) for c in contours if cv2.contourArea(c) >= min_area]
    boxes = sorted(((x, y, w, h) for x, y, w, h in rects), key=lambda r: r[2] * r[3], reverse=True)
    for x, y, w, h in boxes:
        cv2.rectangle(out, (x, y), (x + w, y + h), (0, 255, 255), 2)
    return Difference(out, float(hit.mean()), boxes)


def read_still(path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise PitwallError(f"Cannot read the stored still {path}")
    return image
