"""Turn the FILES arguments of `docmatch process` into the list of documents to process.

A folder stands for the supported files in it (PDF, PNG, JPEG, TIFF, by file name
extension, in any case), sorted by their path inside the folder so that two runs process
them in the same order. Folders are read one level deep unless `recursive` is set.
Hidden files and folders (names starting with '.'), links that lead nowhere and other
files are left out, and each is reported so that the caller can name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


@dataclass
class Inputs:
    """The documents to process, in order, and the files of the named folders that were left out."""

    files: list[Path] = field(default_factory=list)
    unsupported: list[Path] = field(default_factory=list)
    empty_folders: list[Path] = field(default_factory=list)
    # Sub-folders not read because the walk was not recursive.
    subfolders: list[Path] = field(default_factory=list)
    hidden: list[Path] = field(default_factory=list)
    broken_links: list[Path] = field(default_factory=list)


def collect_inputs(paths: tuple[Path, ...] | list[Path], *, recursive: bool = False) -> Inputs:
    """Expand folders in `paths` into their supported files, keeping the order of the arguments.

    A file named directly is kept whatever its extension, as before folders were accepted,
    so that extraction reports why it cannot be read. A file reached twice is processed once.
    """
    inputs = Inputs()
    seen: set[Path] = set()
    for path in paths:
        found = [path] if not path.is_dir() else _folder_files(path, recursive, inputs)
        if path.is_dir() and not found:
            inputs.empty_folders.append(path)
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                inputs.files.append(file)
    return inputs


def _folder_files(folder: Path, recursive: bool, inputs: Inputs) -> list[Path]:
    """Return the supported files of `folder` sorted by relative path; record the others."""
    candidates = folder.rglob("*") if recursive else folder.iterdir()
    supported: list[Path] = []
    for path in candidates:
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            # A hidden folder's own files are not named one by one, only the folder.
            if not any(part.startswith(".") for part in relative.parts[:-1]):
                inputs.hidden.append(path)
            continue
        if path.is_dir() and not recursive:
            inputs.subfolders.append(path)
        if path.is_symlink() and not path.exists():
            inputs.broken_links.append(path)
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            supported.append(path)
        else:
            inputs.unsupported.append(path)
    inputs.unsupported.sort()
    inputs.subfolders.sort()
    inputs.hidden.sort()
    inputs.broken_links.sort()
    return sorted(supported, key=lambda path: path.relative_to(folder).parts)
