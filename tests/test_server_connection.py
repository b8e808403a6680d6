"""Pointing a PC at the office server, and the warning for a data folder on a network share."""

from __future__ import annotations

import json
from pathlib import PurePath, PureWindowsPath

import keyring
import pytest

from kehu_desktop.services.common import network_drive, server_connection
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.server_connection import ServerConnection

OFFICE = ServerConnection(host="192.168.1.20", database="kehu", username="kefu", port=5433)


def test_the_password_goes_to_the_keyring_never_to_the_file(tmp_path):
    server_connection.save(tmp_path, OFFICE, "s3cret-口令")
    written = (tmp_path / server_connection.CONNECTION_FILE).read_text(encoding="utf-8")
    assert "s3cret" not in written
    assert json.loads(written) == {
        "host": "192.168.1.20", "database": "kehu", "username": "kefu", "port": 5433
    }  # fmt: skip
    assert keyring.get_password("KehuDesktop", "kefu@192.168.1.20:5433/kehu") == "s3cret-口令"
    assert server_connection.load(tmp_path) == OFFICE
    url = server_connection.store_url(tmp_path)
    assert url.startswith("postgresql+psycopg://kefu:")
    assert url.endswith("@192.168.1.20:5433/kehu")

    server_connection.forget(tmp_path)
    assert server_connection.load(tmp_path) is None
    assert server_connection.store_url(tmp_path) is None
    assert keyring.get_password("KehuDesktop", OFFICE.key) is None


def test_a_login_without_password_is_saved_without_one(tmp_path):
    server_connection.save(tmp_path, OFFICE, "")
    assert (
        server_connection.store_url(tmp_path) == "postgresql+psycopg://kefu@192.168.1.20:5433/kehu"
    )


def test_what_is_missing_is_said_field_by_field(tmp_path):
    with pytest.raises(ValidationError) as raised:
        server_connection.save(tmp_path, ServerConnection(host=" ", database="", port=0), "")
    assert set(raised.value.errors) == {"host", "database", "port"}
    assert not (tmp_path / server_connection.CONNECTION_FILE).exists()


def test_a_broken_settings_file_is_reported_in_chinese(tmp_path):
    (tmp_path / server_connection.CONNECTION_FILE).write_text("{host", encoding="utf-8")
    with pytest.raises(UserError, match="已损坏"):
        server_connection.load(tmp_path)


def test_a_server_that_does_not_answer_is_reported(tmp_path):
    nobody = ServerConnection(host="127.0.0.1", port=1, database="kehu", username="kefu")
    with pytest.raises(UserError, match="无法连接到 kefu@127.0.0.1:1/kehu"):
        server_connection.check(nobody, "pw")


def test_the_data_folder_opens_the_server_it_is_pointed_at(data_dir, database):
    """On PostgreSQL runs the fixtures point every data folder at a server this way."""
    reopened = open_database(data_dir)
    assert reopened.url == database.url
    if server_connection.load(data_dir) is not None:
        assert reopened.is_postgresql
        assert server_connection.check(server_connection.load(data_dir), "").split(".")[0].isdigit()
    reopened.dispose()


MOUNTS = r"""sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/office nfs4 rw,relatime 0 0
//nas/kehu /srv/共享\040盘 cifs rw,relatime 0 0
/dev/sdb1 /mnt/office/local ext4 rw 0 0
"""


def test_a_folder_on_an_nfs_or_smb_mount_is_recognised():
    assert network_drive.mount_type(PurePath("/mnt/office/kehu"), MOUNTS) == "nfs4"
    assert network_drive.mount_type(PurePath("/srv/共享 盘/客户管家"), MOUNTS) == "cifs"
    # The deepest mount wins: a local disk mounted inside the share is local.
    assert network_drive.mount_type(PurePath("/mnt/office/local/data"), MOUNTS) == "ext4"
    assert network_drive.mount_type(PurePath("/home/kefu/data"), MOUNTS) == "ext4"


def test_a_local_folder_is_not_a_network_folder(tmp_path, monkeypatch):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nserver:/x {tmp_path / 'share'} nfs rw 0 0\n")
    monkeypatch.setattr(network_drive, "MOUNTS_FILE", mounts)
    monkeypatch.setattr(network_drive.sys, "platform", "linux")
    (tmp_path / "share").mkdir()
    assert not network_drive.is_network_folder(tmp_path)
    assert network_drive.is_network_folder(tmp_path / "share")


def test_windows_unc_paths_are_network_paths():
    assert network_drive.is_unc(PureWindowsPath(r"\\fileserver\共享\客户管家"))
    assert not network_drive.is_unc(PureWindowsPath(r"C:\Users\kefu\AppData\Local\Kehu"))
