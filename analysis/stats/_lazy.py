"""Heavy optional imports, loaded on first use."""


def pingouin():
    """pingouin, imported when a Bayes factor is first needed: it pulls in matplotlib and seaborn (about 2 s), which
    the rate, regression and table analyses never use."""
    import pingouin as module

    return module
