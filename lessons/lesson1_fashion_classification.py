# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8.1 Fashion classification
#
# **Goal of this module:** a model that looks at a photo of a piece of
# clothing and says what it is: a t-shirt, a dress, a pair of shoes...
#
# **Goal of this lesson:** know the problem and the data before building
# anything.
#
# **You write:** `list_classes` and `count_images`, with nothing but the
# standard library.
# **Check your work:** `uv run python -m grader lesson1`.
#
# ## The problem
#
# Picture an online marketplace where people sell their used clothes. A
# seller takes a photo and fills in a form; one field of that form is the
# category. Picking it from a long list is tedious, and people pick wrong.
# If the site could look at the photo and fill in the category itself, the
# seller would only have to confirm it.
#
# That is **multi-class classification** of images: the input is a photo,
# the output is one of a fixed set of classes, and each photo belongs to
# exactly one class. We have 10 classes here.
#
# A neural network for images needs many labelled photos and a lot of
# computation to learn from scratch. We won't start from scratch: in the
# next lessons we take a network already trained on ImageNet, a large
# collection of labelled photos, and reuse what it learned (the network is
# Xception). That is **transfer learning**, the main idea of this module.

# %% [markdown]
# ## The dataset
#
# We use `clothing-dataset-small`: a subset of a larger, openly licensed
# clothing dataset that the course's author gathered with the help of many
# contributors, keeping its 10 most common classes. Get it inside the
# project folder with
#
# ```bash
# git clone https://github.com/alexeygrigorev/clothing-dataset-small.git
# ```
#
# (or set `CLOTHING_DATASET_DIR` to the folder of a copy you already have).
# `course.dataset.find_dataset()` finds it for you and returns `None` when
# it is missing.
#
# The images are already split into three folders, and inside each split
# there is **one folder per class**, named after the class:
#
# ```text
# clothing-dataset-small/
# ├── train/
# │   ├── dress/
# │   │   ├── 009b3c31-fb62-45c0-be9a-37a5c238cb88.jpg
# │   │   └── ...
# │   ├── hat/
# │   ├── ...
# │   └── t-shirt/
# ├── validation/      the same 10 class folders
# └── test/            the same 10 class folders
# ```
#
# The label of a photo is simply the name of the folder it is in. This
# layout is so common that Keras reads it directly (we use that in 8.5).
#
# Why three splits?
#
# - **train**: the model learns its weights from these images;
# - **validation**: we compare models and settings on these (the learning
#   rate in 8.6, the size of an inner layer in 8.8, dropout in 8.9) and
#   keep the best;
# - **test**: kept aside, used once at the end to check that the chosen
#   model really works on images it has never influenced.
#
# The 10 classes are dress, hat, longsleeve, outwear, pants, shirt, shoes,
# shorts, skirt and t-shirt. There are 3,068 training images, 341
# validation images and 372 test images.

# %%
from pathlib import Path

from course.dataset import find_dataset, missing_dataset_message

# %% [markdown]
# ## Exercise 1: the classes
#
# The class names come from the folders in `train/`. Be careful with what
# else a folder can contain: a `README.md`, or a hidden `.ipynb_checkpoints`
# folder that Jupyter creates when you open a notebook there. Neither is a
# class. Sort the names, so the classes always come in the same order (this
# order will become the order of the model's outputs).
#
# Questions to guide you: how do you list what a folder contains with
# `pathlib`? How do you tell a folder from a file? What should a learner
# see when the path is wrong: a `FileNotFoundError` that says *which* path,
# or an empty list?


# %%
def list_classes(data_dir):
    """The class names of the dataset, sorted: one per folder in `data_dir/train`.

    Files and hidden entries (names that start with ".", such as
    `.ipynb_checkpoints`) are not classes and are left out.

    For the clothing dataset: ['dress', 'hat', 'longsleeve', ..., 't-shirt'].

    Raises FileNotFoundError, with the missing path in its message, when
    `data_dir/train` is not a folder.
    """
    # TODO: return the sorted names of the non-hidden folders in data_dir/train.
    #       Accept a str or a Path. If data_dir/train is not a folder, raise
    #       FileNotFoundError with that path in the message. Standard library only.
    raise NotImplementedError("list_classes")


# %% [markdown]
# ## Exercise 2: how many images?
#
# Before training, look at how the images are spread over the classes. Are
# they balanced? Which class is the largest?
#
# Count, for each split and each class, the image files: names that end in
# `.jpg`, `.jpeg` or `.png`, whatever the case (cameras often write
# `IMG_0001.JPG`). Skip hidden files and folders, and anything else that
# happens to be there. Only count the splits that exist.
#
# Questions: what does `Path("IMG_0001.JPG").suffix` return, and how do you
# compare it without caring about case? Can a folder have a name that ends
# in `.jpg`?


# %%
def count_images(data_dir):
    """How many images each class has in each split.

    Returns `{split: {class_name: number_of_images}}` for each of "train",
    "validation" and "test" that exists in `data_dir`, in that order, with
    classes sorted by name. An image is a file in a class folder whose name
    ends in .jpg, .jpeg or .png, in any case (photo.JPG counts). Hidden
    files and folders (names that start with ".") and other files are not
    counted.

    For the clothing dataset: {"train": {"dress": 241, ...}, "validation":
    {...}, "test": {...}}.
    """
    # TODO: build the nested dict described above, one entry per existing
    #       split, one per non-hidden class folder in it (in sorted order).
    #       Count only the files directly in each class folder. Standard library only.
    raise NotImplementedError("count_images")


# %% [markdown]
# ## Look at the numbers
#
# Run this file (`uv run python -m lessons.lesson1_fashion_classification`)
# or this cell to print a table of the counts.

# %%
if __name__ == "__main__":
    data_dir = find_dataset()
    if data_dir is None:
        print(missing_dataset_message())
    else:
        classes = list_classes(data_dir)
        counts = count_images(data_dir)
        print(f"{len(classes)} classes in {data_dir}")
        print(f"{'class':<12}" + "".join(f"{split:>12}" for split in counts))
        for name in classes:
            print(f"{name:<12}" + "".join(f"{counts[s].get(name, 0):>12}" for s in counts))
        print(f"{'total':<12}" + "".join(f"{sum(counts[s].values()):>12}" for s in counts))

# %% [markdown]
# ## What the numbers tell us
#
# The classes are far from balanced. `t-shirt` is the largest class, with
# 795 of the 3,068 training images; `skirt` is the smallest, with 112.
#
# This matters for judging a model. On the validation set, 81 of the 341
# images are t-shirts, so a "model" that always answers t-shirt is already
# right about 24% of the time. Accuracy is the fraction of correct answers;
# a model is only interesting when its accuracy is well above that
# baseline.
#
# Next, in 8.2: how a photo becomes an array of numbers a network can use.
