"""Once-for-All supernets (MobileNetV3 w1.0/w1.2, ProxylessNAS w1.3, ResNet50)."""
