"""Checks for lesson 06, sparse autoencoders. Reference answers: ``solutions/sparse.py``."""

import numpy as np

from autograder.checks.exercise import (Exercise, Fail, expect_autoencoder_models, expect_close, expect_equal,
                                        expect_no_training_only_layers, seed_uniform_weights, training_gap)

LESSON = "06_sparse"
REGISTERED_NAME = "course>KLDivergenceRegularizer"


def _numpy(value):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def _models(build, **kwargs):
    import keras

    models = build(**kwargs)
    models = expect_autoencoder_models(models)
    return models



def _spy_regularizer():
    """A regularizer that records every concrete tensor it penalises (0.01 x their sum)."""
    import keras

    class Spy(keras.regularizers.Regularizer):
        def __init__(self):
            self.seen = []

        def __call__(self, x):
            try:
                self.seen.append(_numpy(x))
            except Exception:  # a symbolic tensor while Keras builds the model: nothing to record
                pass
            return 0.01 * keras.ops.sum(x)

    return Spy()


class SparseAutoencoder(Exercise):
    name = "sparse_autoencoder"
    title = "autoencoder with sigmoid codings and an activity regularizer"
    answer = "solutions.sparse:build_sparse_autoencoder"
    points = 2
    codings_size = 9

    def probe(self, build, rng):
        x = rng.uniform(0.0, 1.0, size=(8, 28, 28)).astype("float32")
        encoder, decoder, autoencoder = _models(build, codings_size=self.codings_size, activity_regularizer=None)
        autoencoder(x)  # builds a model written without keras.Input
        seed_uniform_weights(encoder, rng)
        seed_uniform_weights(decoder, rng)
        codings = _numpy(encoder(x))
        rescaled_codings = _numpy(encoder(x * 255))  # the codings a Rescaling(1 / 255) first would give
        output = _numpy(autoencoder(x))
        gap = training_gap(autoencoder, x)
        composed = _numpy(decoder(codings.astype("float32")))
        plain_losses = len(autoencoder.losses)

        spy = _spy_regularizer()
        spied_encoder, _, spied = _models(build, codings_size=self.codings_size, activity_regularizer=spy)
        spied(x)
        try:
            spied.set_weights(autoencoder.get_weights())
        except ValueError:  # another architecture: the codings comparison names it
            pass
        spy.seen.clear()
        spied_codings = _numpy(spied_encoder(x))
        matches = [seen.shape == spied_codings.shape and np.allclose(seen, spied_codings, atol=1e-6)
                   for seen in spy.seen]
        before_sigmoid = [seen.shape == spied_codings.shape and
                          np.allclose(1 / (1 + np.exp(-seen)), spied_codings, atol=1e-5) for seen in spy.seen]
        spied(x)
        penalty = float(sum(_numpy(loss) for loss in spied.losses)) if spied.losses else 0.0
        return {
            "codings": codings, "reconstructions": composed, "rescaled_codings": rescaled_codings,
            "training_gap": gap,
            "codings_shape": list(codings.shape), "output_shape": list(output.shape),
            "codings_range": [float(codings.min()), float(codings.max())],
            "output_range": [float(output.min()), float(output.max())],
            "compose_error": float(np.max(np.abs(output - composed))) if composed.shape == output.shape else 1.0,
            "num_params": int(autoencoder.count_params()),
            "losses_without_regularizer": plain_losses,
            "regularized_shapes": [list(seen.shape) for seen in spy.seen],
            "regularizer_saw_codings": bool(any(matches)),
            "regularizer_saw_logits": bool(any(before_sigmoid)),
            # Keras divides an activity penalty by the batch size
            "penalty": penalty,
            "penalty_ratio": penalty / (0.01 * float(spied_codings.sum()) / len(x)),
        }

    def verify(self, got, expected):
        expect_equal("encoder output shape (batch, codings_size)", got["codings_shape"], expected["codings_shape"],
                     "the coding layer is Dense(codings_size, activation='sigmoid'): use the codings_size argument")
        expect_equal("autoencoder output shape", got["output_shape"], expected["output_shape"],
                     "end the decoder with keras.layers.Reshape((28, 28))")
        if got["compose_error"] > 1e-5:
            raise Fail("autoencoder(x) == decoder(encoder(x))", "0 difference", f"{got['compose_error']:.3g}",
                       "build the autoencoder as keras.Sequential([encoder, decoder])")
        expect_no_training_only_layers(got.get("training_gap", 0.0), "the autoencoder's outputs",
                                       hint="leave out Dropout and GaussianNoise (lesson 05's denoising layers): "
                                            "this autoencoder has none, and dropping units does not make the "
                                            "codings sparse, the activity regularizer does")
        self._verify_outputs(got, expected)
        if got["losses_without_regularizer"]:
            raise Fail("penalties with activity_regularizer=None", "none",
                       f"{got['losses_without_regularizer']} penalty term(s)",
                       "use the activity_regularizer argument instead of a fixed regularizer")
        if not got["regularizer_saw_codings"]:
            shapes = got["regularized_shapes"]
            if not shapes:
                hint = "pass activity_regularizer=activity_regularizer to the coding layer"
            elif got["regularizer_saw_logits"]:
                hint = ("the regularizer sees the values before the sigmoid: give the coding layer both, "
                        "Dense(codings_size, activation='sigmoid', activity_regularizer=activity_regularizer)")
            elif all(len(shape) == 2 and shape[0] != expected["codings_shape"][0] for shape in shapes) or \
                    any(len(shape) == 1 for shape in shapes):
                hint = ("that penalises the layer's weights (kernel_regularizer); sparsity is about the codings: "
                        "use activity_regularizer=")
            else:
                hint = "put the activity regularizer on the coding layer (the encoder's last Dense layer)"
            raise Fail("what the regularizer penalises", f"the codings, shape {expected['codings_shape']}",
                       f"tensors of shape {shapes or 'none'}", hint)
        if abs(got["penalty_ratio"] - 1) > 1e-3:
            raise Fail("the penalty added to the loss", "the regularizer applied once to the codings",
                       f"{got['penalty_ratio']:.3g} times that",
                       "attach the regularizer to the coding layer only, once")
        expect_close("the penalty of a regularizer on the codings, with weights set from the seed", got["penalty"],
                     expected["penalty"], rtol=1e-3, atol=1e-7,
                     hint="attach the regularizer to the coding layer only, once")

    @staticmethod
    def _verify_outputs(got, expected):
        """Codings and reconstructions with weights set from the seed; the hint comes from what else is known."""
        hints = {"codings": "use activation='relu' in the two Dense(100) layers"}
        if got["num_params"] != expected["num_params"]:
            hints["codings"] = (f"{got['num_params']} parameters instead of {expected['num_params']}: encoder "
                                "Flatten, Dense(100, relu), Dense(codings_size, sigmoid); decoder Dense(100, relu), "
                                "Dense(784, sigmoid), Reshape((28, 28))")
        codings = np.asarray(got["codings"])
        if codings.ndim == 2 and np.allclose(codings.sum(axis=1), 1, atol=1e-4):
            hints["codings"] = ("give the coding layer activation='sigmoid', not softmax: softmax codings sum to 1, "
                                "so the units compete; sigmoid units fire each on its own, at a rate the sparsity "
                                "penalties compare with a target")
        elif np.shape(got.get("rescaled_codings")) == np.shape(expected["codings"]) and np.allclose(
                got["rescaled_codings"], expected["codings"], rtol=1e-3, atol=1e-5):
            hints["codings"] = "the pixels are already in [0, 1]: do not rescale the inputs (no Rescaling(1 / 255))"
        elif not 0 < got["codings_range"][0] <= got["codings_range"][1] < 1:
            hints["codings"] = ("give the coding layer activation='sigmoid': a mean activation is then a firing rate, "
                                "which the sparsity penalties compare with a target")
        low, high = got["output_range"]
        hints["reconstructions"] = "end the decoder with Dense(784, activation='sigmoid')" if low < 0 or high > 1 \
            else hints["codings"]
        for what, hint in hints.items():
            expect_close(f"{what} with weights set from the seed", got[what], expected[what], rtol=1e-3, atol=1e-5,
                         hint=hint)


# ---------------------------------------------------------------------------------------------------------------
# the KL divergence regularizer


def _kl(p, q):
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def _value_and_gradient(regularizer, activations):
    """``(value, gradient or None)``: the regularizer's value and its gradient w.r.t. the activations."""
    import tensorflow as tf

    inputs = tf.constant(activations)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        value = regularizer(inputs)
    try:
        gradient = tape.gradient(value, inputs)
    except Exception:  # e.g. a numpy value: nothing to differentiate
        gradient = None
    return _plain_number(_numpy(value)), None if gradient is None else _numpy(gradient)


def _plain_number(array):
    """A 0-d array as a float (plain data keeps no 0-d arrays), anything else unchanged."""
    return float(array) if array.shape == () else array


BAD_ARGUMENTS = ((-0.1, 0.1), (0.1, 0.0), (0.1, 1.0), (0.1, 1.5))  # (weight, target) the class must refuse
GOOD_ARGUMENTS = ((0.0, 0.1), (0.1, 0.999))  # on the edge of the allowed ranges: the class must accept them
RARE = 5e-4  # a unit's mean activation far above keras.config.epsilon() but below a too-wide clip (1e-3, 1e-2)


class KLDivergence(Exercise):
    name = "kl_regularizer"
    title = "KLDivergenceRegularizer"
    answer = "solutions.sparse:KLDivergenceRegularizer"
    points = 4
    cases = ((0.05, 0.1), (0.4, 0.2))  # the book's, then others, so hard-coded numbers show

    def probe(self, regularizer_class, rng):
        import keras

        offsets = np.linspace(-2.5, 2.5, 6)  # unit means from about 0.1 to 0.9
        activations = (1 / (1 + np.exp(-(rng.normal(size=(16, 6)) + offsets)))).astype("float32")
        # unit 0 never fires, unit 1 always fires at 1, unit 2 is ordinary
        edge = np.zeros((8, 3), dtype="float32")
        edge[:, 1] = 1.0
        edge[:, 2] = rng.uniform(0.2, 0.6, size=8)
        data = {"activations": activations, "cases": []}
        for weight, target in self.cases:
            regularizer = regularizer_class(weight, target)
            value, gradient = _value_and_gradient(regularizer, activations)
            edge_value, edge_gradient = _value_and_gradient(regularizer, edge)
            data["cases"].append({"weight": weight, "target": target, "value": value, "gradient": gradient,
                                  "edge_value": edge_value, "edge_gradient": edge_gradient})
        # a unit that fires rarely (mean RARE) and one that almost always fires (mean 1 - RARE): the penalty must
        # still see them as they are (a clip wider than epsilon flattens both the penalty and its gradient there)
        rare = np.full((8, 2), RARE, dtype="float32")
        rare[:, 1] = 1 - RARE
        for case in data["cases"]:
            case["rare_value"], case["rare_gradient"] = _value_and_gradient(
                regularizer_class(case["weight"], case["target"]), rare)
        data["accepted_bad_arguments"], data["refused_with"], data["refused_good_arguments"] = [], [], []
        for arguments in BAD_ARGUMENTS:
            try:
                regularizer_class(*arguments)
            except NotImplementedError:
                raise
            except Exception as error:  # noqa: BLE001 - refused: with the ValueError asked for, or not
                if not isinstance(error, ValueError):
                    data["refused_with"].append([*arguments, type(error).__name__])
                continue
            data["accepted_bad_arguments"].append(list(arguments))
        for arguments in GOOD_ARGUMENTS:
            try:
                regularizer_class(*arguments)
            except NotImplementedError:
                raise
            except Exception as error:  # noqa: BLE001 - an allowed weight or target refused
                data["refused_good_arguments"].append([*arguments, type(error).__name__])
        regularizer = regularizer_class(*self.cases[1])
        data["is_regularizer"] = isinstance(regularizer, keras.regularizers.Regularizer)
        data["overrides_get_config"] = type(regularizer).get_config is not keras.regularizers.Regularizer.get_config
        data["registered_name"] = keras.saving.get_registered_name(type(regularizer))
        data["config"], data["from_config_value"], data["deserialized_value"] = None, None, None
        if data["overrides_get_config"]:
            try:
                config = regularizer.get_config()
            except NotImplementedError:  # super().get_config(): Regularizer's own raises
                data["overrides_get_config"], data["get_config_error"] = False, "NotImplementedError"
                return data
            data["config"] = {str(key): _plain_scalar(item) for key, item in dict(config).items()}
            try:
                data["from_config_value"] = _value_and_gradient(type(regularizer).from_config(config), activations)[0]
            except Exception as error:
                data["from_config_error"] = f"{type(error).__name__}: {error}"[:300]
            try:
                # this class, whatever else a process registered under its name (the name itself is checked apart)
                with keras.saving.custom_object_scope({data["registered_name"]: type(regularizer)}):
                    clone = keras.regularizers.deserialize(keras.regularizers.serialize(regularizer))
                data["deserialized_value"] = _value_and_gradient(clone, activations)[0]
            except Exception as error:
                data["deserialize_error"] = f"{type(error).__name__}: {error}"[:300]
        return data

    def verify(self, got, expected):
        activations = np.asarray(expected["activations"], dtype=np.float64)
        if len(got["cases"]) != len(expected["cases"]):
            raise Fail("the probe's results", f"{len(expected['cases'])} results", f"{len(got['cases'])}",
                       "let the grader's probe call your answer as written")
        for case, exp in zip(got["cases"], expected["cases"]):
            self._verify_value(case, exp, activations)
        for case, exp in zip(got["cases"], expected["cases"]):
            self._verify_gradient(case, exp)
        for case in got["cases"]:
            label = f"KLDivergenceRegularizer({case['weight']}, {case['target']})"
            values = [np.asarray(case["edge_value"])] + ([] if case["edge_gradient"] is None
                                                         else [np.asarray(case["edge_gradient"])])
            if not all(np.all(np.isfinite(value)) for value in values):
                raise Fail(f"{label} on a unit that is always 0 and one that is always 1",
                           "a finite penalty and gradient", "NaN or infinity",
                           "clip the mean activations to [epsilon, 1 - epsilon] (keras.ops.clip, epsilon = "
                           "keras.config.epsilon()) before taking logs: log(0) is -infinity")
        for case, exp in zip(got["cases"], expected["cases"]):
            self._verify_rare_units(case, exp)
        self._verify_serialization(got, expected)
        self._verify_arguments(got)

    @staticmethod
    def _verify_rare_units(case, exp):
        label = (f"KLDivergenceRegularizer({exp['weight']}, {exp['target']}) on a unit firing {RARE:g} of the time "
                 f"and one firing {1 - RARE:g}")
        hint = ("clip the mean activations to [epsilon, 1 - epsilon] with epsilon = keras.config.epsilon() (1e-7): a "
                "wider clip changes the penalty of units that fire rarely, the very units sparsity creates, and "
                "takes away their gradient")
        expect_close(label, case["rare_value"], exp["rare_value"], rtol=1e-3, atol=1e-7, hint=hint)
        if exp["rare_gradient"] is not None and case["rare_gradient"] is not None:
            expect_close(f"gradient of {label}", case["rare_gradient"], exp["rare_gradient"], rtol=1e-3, atol=1e-6,
                         hint=hint)

    @staticmethod
    def _verify_arguments(got):
        rule = "raise ValueError unless weight >= 0 and 0 < target < 1"
        accepted = got.get("accepted_bad_arguments") or []
        if accepted:
            weight, target = accepted[0]
            raise Fail(f"KLDivergenceRegularizer({weight}, {target})", "a ValueError", "no error",
                       f"check the arguments in __init__: {rule} (a target of 0 or 1 makes the penalty's logs "
                       "infinite)")
        refused = got.get("refused_with") or []
        if refused:
            weight, target, error = refused[0]
            hint = f"{rule}: `if not (...): raise ValueError(...)`"
            if error == "AssertionError":
                hint += " (an assert raises AssertionError, and `python -O` removes it)"
            raise Fail(f"KLDivergenceRegularizer({weight}, {target})", "a ValueError", error, hint)
        refused = got.get("refused_good_arguments") or []
        if refused:
            weight, target, error = refused[0]
            raise Fail(f"KLDivergenceRegularizer({weight}, {target})", "a regularizer", f"{error} raised",
                       f"the allowed ranges include their edges where the lesson says so: {rule} (a weight of 0 "
                       "turns the penalty off)")

    @staticmethod
    def _verify_value(case, exp, activations):
        weight, target = exp["weight"], exp["target"]
        label = f"KLDivergenceRegularizer({weight}, {target}) on random activations"
        value = np.asarray(case["value"], dtype=np.float64)
        if value.shape != ():
            raise Fail(f"{label}: shape of the penalty", "a scalar ()", value.shape,
                       "sum the per-unit KL divergences into one number (keras.ops.sum)")
        q = activations.mean(axis=0)
        candidates = [
            (weight * np.sum(_kl(q, target)), "the KL terms are swapped: KL(p || q) = p log(p / q) + "
                                              "(1 - p) log((1 - p) / (1 - q)), with p the target and q the mean "
                                              "activation"),
            (weight * np.sum(_kl(target, activations.mean(axis=1))), "the mean is over the wrong axis: average "
                                                                       "each unit over the batch, axis=0"),
            (np.sum(_kl(target, q)), "the weight is missing: multiply the sum by self.weight"),
            (weight * np.sum(target * np.log(target / q)), "the (1 - p) log((1 - p) / (1 - q)) term is missing: "
                                                           "a unit's activity is a Bernoulli variable, so both "
                                                           "outcomes count"),
            (weight * np.mean(_kl(target, q)), "sum the KL divergences over the units, do not average them"),
            (-weight * np.sum(_kl(target, q)), "the sign is flipped: log(p / q), not log(q / p)"),
            (weight * np.sum((1 - target) * np.log((1 - target) / (1 - q))),
             "the p log(p / q) term is missing: KL(p || q) = p log(p / q) + (1 - p) log((1 - p) / (1 - q))"),
            (weight * np.sum(target * np.log(target / q) + np.log((1 - target) / (1 - q))),
             "the factor (1 - p) in front of the second log is missing: (1 - p) log((1 - p) / (1 - q))"),
            (weight * np.sum(target * np.log(target / q) + (1 - target) * np.log((1 - target) / q)),
             "the second log divides by q instead of 1 - q: (1 - p) log((1 - p) / (1 - q))"),
            (weight * np.sum(target * np.log(target / q) + (1 - target) * np.log(target / (1 - q))),
             "the second log's numerator is 1 - p, not p: (1 - p) log((1 - p) / (1 - q))"),
            (weight * np.sum(target * np.log(target / q) + (1 - target) * np.log((1 - q) / (1 - target))),
             "the second term's log is upside down: (1 - p) log((1 - p) / (1 - q)), like p log(p / q)"),
            (weight * np.sum(-target * np.log(q) - (1 - target) * np.log(1 - q)),
             "that is the binary cross-entropy, which is the KL divergence plus the target's own entropy: write "
             "p log(p / q) + (1 - p) log((1 - p) / (1 - q))"),
            (weight * np.mean(-target * np.log(q) - (1 - target) * np.log(1 - q)),
             "that is the binary cross-entropy, which is the KL divergence plus the target's own entropy: write "
             "p log(p / q) + (1 - p) log((1 - p) / (1 - q)), summed over the units"),
            (weight * _kl(target, activations.mean()), "average each unit over the batch (axis=0), not over all "
                                                       "the activations at once"),
            (weight * len(q) * _kl(target, activations.mean()), "average each unit over the batch (axis=0), not "
                                                                "over all the activations at once"),
        ]
        candidates += [
            (target * np.sum(_kl(weight, q)), "weight and target are swapped: __init__(self, weight, target) "
                                              "stores weight, the penalty's factor, and target, the rate p"),
            (weight * np.sum(_kl(target, q)) / len(activations),
             "do not divide by the batch size: the penalty is weight x the sum of the KL terms (Keras divides an "
             "activity penalty by the batch size itself)"),
            (weight * np.sum(_kl(target, q)) * len(activations),
             "do not multiply by the batch size: the penalty is weight x the sum of the KL terms"),
        ]
        if target != 0.1:
            candidates.append((weight * np.sum(_kl(0.1, q)), "use self.target, not a fixed 0.1"))
        if weight != 0.05:
            candidates.append((0.05 * np.sum(_kl(target, q)), "use self.weight, not a fixed 0.05"))
        if np.isclose(value, exp["value"], rtol=1e-4, atol=1e-7):
            return
        for candidate, hint in candidates:
            if np.isclose(value, candidate, rtol=1e-3, atol=1e-7):
                raise Fail(label, f"{float(exp['value']):.6g}", f"{float(value):.6g}", hint)
        expect_close(label, value, exp["value"], rtol=1e-4, atol=1e-7,
                     hint="weight x the sum over units of KL(p || q), q = each unit's mean activation over the batch")

    @staticmethod
    def _verify_gradient(case, exp):
        label = f"gradient of KLDivergenceRegularizer({exp['weight']}, {exp['target']}) w.r.t. the activations"
        if case["gradient"] is None:
            raise Fail(label, "a gradient", "none (the penalty is not differentiable)",
                       "the penalty is cut off from the activations: write it with keras.ops on the input tensor, "
                       "not numpy, and do not stop gradients; training needs its gradient")
        expect_close(label, case["gradient"], exp["gradient"], rtol=1e-3, atol=1e-7,
                     hint="the value is right but its gradient is not: do not stop gradients or convert to numpy "
                          "inside __call__")

    @staticmethod
    def _verify_serialization(got, expected):
        if not got["is_regularizer"]:
            raise Fail("the class", "a subclass of keras.regularizers.Regularizer", "another class",
                       "declare it as class KLDivergenceRegularizer(keras.regularizers.Regularizer)")
        if got.get("get_config_error"):
            raise Fail("get_config()", "the constructor's arguments", "NotImplementedError raised by Keras",
                       "keras.regularizers.Regularizer has no get_config to extend: do not call "
                       "super().get_config(), return {'weight': self.weight, 'target': self.target}")
        if not got["overrides_get_config"] or got["config"] is None:
            raise Fail("get_config", "a method returning the constructor's arguments", "get_config missing",
                       "define get_config(self) returning {'weight': self.weight, 'target': self.target}, so a "
                       "model using the regularizer can be saved and loaded")
        config, wanted = got["config"], expected["config"]
        if not all(_same_item(config.get(key), item) for key, item in wanted.items()) or "from_config_error" in got:
            raise Fail("get_config()", wanted, config,
                       "return the constructor's arguments by name, {'weight': self.weight, 'target': self.target}, "
                       "so that KLDivergenceRegularizer(**config) rebuilds the same regularizer")
        expect_close("the value of a regularizer rebuilt by from_config", got["from_config_value"],
                     expected["from_config_value"], rtol=1e-4, atol=1e-7,
                     hint="get_config must hold every argument of __init__")
        if got["registered_name"] != REGISTERED_NAME:
            raise Fail("the registered name", REGISTERED_NAME, got["registered_name"],
                       "decorate the class with @keras.saving.register_keras_serializable(package=\"course\") so "
                       "that Keras finds it when it loads a saved model")
        if "deserialize_error" in got or got["deserialized_value"] is None:
            raise Fail("keras.regularizers.deserialize(keras.regularizers.serialize(regularizer))",
                       "the same regularizer", got.get("deserialize_error", "nothing"),
                       "register the class and make get_config return the constructor's arguments")
        expect_close("the value of a serialized and deserialized regularizer", got["deserialized_value"],
                     expected["deserialized_value"], rtol=1e-4, atol=1e-7,
                     hint="register the class and make get_config return the constructor's arguments")


def _same_item(item, wanted):
    """Whether a config item is the reference's: numbers equal up to float32 rounding, anything else exactly."""
    numbers = (int, float)
    if isinstance(item, numbers) and isinstance(wanted, numbers) and not isinstance(item, bool):
        return bool(np.isclose(item, wanted, rtol=1e-6, atol=0))
    return item == wanted


def _plain_scalar(value):
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)[:100]


EXERCISES = [SparseAutoencoder(), KLDivergence()]
