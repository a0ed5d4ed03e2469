"""A clock a test moves by hand, for code that takes an injectable clock (monographs.cache.ContentVersion)."""


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now
