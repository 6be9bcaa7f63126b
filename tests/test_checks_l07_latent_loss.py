"""Lesson 07's model check and the learner's ``latent_loss``: a model is judged whether it calls ``latent_loss`` (and
whatever exercise 2 computes) or writes the KL itself, and no check module holds the KL (the checks ship to
learners: issue #18)."""

import importlib
import inspect
import pathlib
import pkgutil

import keras
import numpy as np
import pytest
from keras import ops

import autograder.checks
from autograder import leaks
from autograder.checks.runtime import run_check
from solutions import vae


def _status(answer):
    status, message, _ = run_check("vae_model", answer)
    return status, message


def _passes(answer):
    status, message = _status(answer)
    assert status == "passed", message


def _stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("latent_loss", [
    lambda mean, log_var: 0.5 * ops.sum(1 + log_var - ops.exp(log_var) - mean ** 2, axis=-1),  # sign flipped
    lambda mean, log_var: ops.sum(ops.square(mean), axis=-1),  # another function
    _stub,  # exercise 2 not done
], ids=["sign flipped", "mean squared only", "stub"])
def test_a_model_that_calls_a_wrong_latent_loss_passes(monkeypatch, latent_loss):
    # exercises 2 and 3 wrong: the model is still judged on its own, and passes
    monkeypatch.setattr(vae, "latent_loss", latent_loss)
    monkeypatch.setattr(vae, "build_encoder_decoder", _stub)
    _passes(vae.VariationalAutoencoder)
    assert vae.build_encoder_decoder is _stub and vae.latent_loss is latent_loss  # given back after the probe


def _true_kl(mean, log_var):
    return -0.5 * ops.sum(1 + log_var - ops.exp(log_var) - ops.square(mean), axis=-1)


def _inline(kl_of):
    """The reference model with the KL written in compute_losses (keras-io style): latent_loss is never called."""
    class InlineKl(vae.VariationalAutoencoder):
        def compute_losses(self, images):
            mean, log_var, codings = self.encoder(images)
            reconstruction = keras.losses.binary_crossentropy(ops.reshape(images, (-1, 784)),
                                                              ops.reshape(self.decoder(codings), (-1, 784)))
            kl = kl_of(mean, log_var)
            return reconstruction + kl / 784, reconstruction, kl
    return InlineKl


def test_a_model_with_the_kl_written_inline_passes(monkeypatch):
    monkeypatch.setattr(vae, "latent_loss", _stub)  # exercise 2 not done: the model does not need it
    _passes(_inline(_true_kl))


@pytest.mark.parametrize("kl_of", [
    lambda mean, log_var: -_true_kl(mean, log_var),
    lambda mean, log_var: -0.5 * ops.sum(1 + log_var - ops.exp(log_var) - mean, axis=-1),
], ids=["sign flipped", "mean not squared"])
def test_a_wrong_inline_kl_fails_with_a_hint_that_names_it(kl_of):
    status, message = _status(_inline(kl_of))
    assert status == "failed" and "computes the KL itself" in message, message
    assert not any(term in message for term in ("exp(", "square", "**", "- 1"))  # names the KL, does not spell it


def test_a_model_that_calls_latent_loss_wrongly_fails_with_the_model_s_hint():
    class Swapped(vae.VariationalAutoencoder):  # the right latent_loss, its arguments swapped
        def compute_losses(self, images):
            mean, log_var, codings = self.encoder(images)
            total, reconstruction, _ = super().compute_losses(images)
            kl = vae.latent_loss(log_var, mean)
            return reconstruction + kl / 784, reconstruction, kl

    status, message = _status(Swapped)
    assert status == "failed" and "latent_loss(codings_mean, codings_log_var) averaged" in message, message


# ---------------------------------------------------------------------------------------------------------------
# no check module holds the KL


def _check_modules():
    folder = pathlib.Path(autograder.checks.__file__).parent
    return [importlib.import_module(f"autograder.checks.{module.name}") for module in pkgutil.iter_modules([folder])]


def _two_argument_functions(module):
    """Every function of ``module`` (top level, or a class's static or plain function) callable with two values."""
    found = []
    for _, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            found.append(value)
        elif inspect.isclass(value) and value.__module__ == module.__name__:
            found += [member.__func__ if isinstance(member, staticmethod) else member
                      for member in vars(value).values()
                      if inspect.isfunction(getattr(member, "__func__", member))]
    return [function for function in found if _takes_two(function)]


def _takes_two(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    return len(required) <= 2 <= len(positional) or any(p.kind == p.VAR_POSITIONAL for p in parameters)


def test_no_check_function_computes_the_reference_latent_loss():
    rng = np.random.default_rng(7)
    mean, log_var = rng.normal(size=(5, 3)).astype("float32"), rng.normal(0, 1.2, size=(5, 3)).astype("float32")
    reference = ops.convert_to_numpy(vae.latent_loss(mean, log_var))
    tried, found = 0, []
    for module in _check_modules():
        for function in _two_argument_functions(module):
            tried += 1
            try:
                with np.errstate(all="ignore"):
                    value = np.asarray(ops.convert_to_numpy(function(ops.convert_to_tensor(mean),
                                                                     ops.convert_to_tensor(log_var))), np.float64)
            except Exception:  # most functions take other arguments
                continue
            if value.shape == reference.shape and np.allclose(value, reference, rtol=1e-4, atol=1e-5):
                found.append(f"{module.__name__}.{function.__qualname__}")
    assert tried > 20  # the search reached the checks' functions, the latent loss's stand-in among them
    assert not found, f"check functions that compute the KL divergence (exercise vae_latent_loss's answer): {found}"


def test_the_stand_in_for_latent_loss_keeps_its_shape_contract_and_is_not_the_kl():
    from autograder.checks._l07_probes import latent_loss_stand_in

    mean, log_var = np.zeros((4, 3), "float32"), np.zeros((4, 3), "float32")
    value = ops.convert_to_numpy(latent_loss_stand_in(mean, log_var))
    assert value.shape == (4,) and not np.allclose(value, ops.convert_to_numpy(vae.latent_loss(mean, log_var)))


def test_the_leak_search_finds_no_answer_in_the_check_modules():
    folder = pathlib.Path(autograder.checks.__file__).parent
    files = {f"autograder/checks/{path.name}": path.read_text(encoding="utf-8") for path in folder.glob("*.py")}
    assert len(files) > 10
    assert leaks.find_leaks(files) == []
