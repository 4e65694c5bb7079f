"""``python -m autodiff``: train an MLP on the bundled digits (see ``autodiff.demo``)."""

from autodiff.demo import main

if __name__ == "__main__":
    main()
