"""The conformance suite: the official oVirt Python SDK (ovirtsdk4, XML on the wire, generated from
the same API model as the Go SDK) drives the embedded engine through a lab's life.

Pure SDK use: nothing here speaks HTTP itself. One unittest case per API area; an area whose
folder simulator/api/<area>/ does not exist is NOT COVERED (reported as such, never as passed).

Environment (set by tests/conformance/lab-life.test.ts):
  OVIRT_URL, OVIRT_CA_FILE, OVIRT_PASSWORD           the 4.4 engine
  OVIRT43_URL, OVIRT43_CA_FILE, OVIRT43_PASSWORD     a 4.3 engine on the same data plane (migration)
  OVIRTF_URL, OVIRTF_CA_FILE, OVIRTF_PASSWORD        a 4.4 engine started with --faults locked=1
  CONFORMANCE_RESULTS                                where to write the per-test results (JSON)

  python lab_life.py --list     prints the tests and whether their area is covered (JSON)
  python lab_life.py            runs them, prints unittest's report, writes CONFORMANCE_RESULTS
"""

import json
import os
import sys
import time
import traceback
import unittest

import ovirtsdk4 as sdk
import ovirtsdk4.http  # noqa: F401 (sdk.http in add_bricks)
import ovirtsdk4.writer  # noqa: F401 (sdk.writer in add_bricks)
import ovirtsdk4.types as types

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WAIT_SECONDS = 60
CPU = "Intel Skylake Family"
LOCKED_PREFIX = "Related operation is currently in progress"


def served(area):
    """Whether the engine has the area at all (the brief's rule: its folder exists)."""
    return os.path.isdir(os.path.join(REPO, "simulator", "api", area))


def connect(prefix="OVIRT"):
    return sdk.Connection(
        url=os.environ[prefix + "_URL"],
        username="admin@internal",
        password=os.environ[prefix + "_PASSWORD"],
        ca_file=os.environ[prefix + "_CA_FILE"],
        connections=1,
        timeout=60,
    )


def wait_for(what, get, done, seconds=WAIT_SECONDS):
    """Polls get() until done(value); fails naming what it waited for and the last value seen."""
    deadline = time.time() + seconds
    seen = []
    while True:
        value = get()
        state = getattr(value, "status", value)
        if not seen or seen[-1] != state:
            seen.append(state)
        if done(value):
            return value
        if time.time() > deadline:
            raise AssertionError("waited %ss for %s; saw %s" % (seconds, what, " -> ".join(map(str, seen))))
        time.sleep(0.05)


def status_is(*statuses):
    return lambda obj: obj is not None and obj.status in statuses


def not_served(what):
    """A 404 on a route of an object that exists: the engine does not serve the route yet."""
    return unittest.SkipTest("NOT COVERED: %s is not served by the engine yet (404)" % what)


# Engine defects the SDK reveals, by test id: the test runs and must fail (unittest's expected
# failure); once the engine is fixed it passes unexpectedly and the run is red until this is updated.
KNOWN_DEFECTS = {}


def gone(service):
    """A getter that answers None once the object is 404 (the SDK's NotFoundError)."""

    def get():
        try:
            return service.get()
        except sdk.NotFoundError:
            return None

    return get


class Lab:
    """What the areas build on, made once and shared (each area adds its layer)."""

    conn = None
    system = None
    dc = None
    cluster = None
    host = None
    storage = None
    network = None
    profile = None
    extra_networks = []

    @classmethod
    def open(cls):
        if cls.conn is None:
            cls.conn = connect()
            cls.system = cls.conn.system_service()
        return cls.system

    @classmethod
    def data_center(cls):
        system = cls.open()
        if cls.dc is None:
            cls.dc = system.data_centers_service().add(
                types.DataCenter(name="conf_lab", local=False, version=types.Version(major=4, minor=4))
            )
            cls.cluster = system.clusters_service().add(
                types.Cluster(name="conf_cluster", data_center=types.DataCenter(id=cls.dc.id), cpu=types.Cpu(type=CPU))
            )
        return cls.dc, cls.cluster

    @classmethod
    def up_host(cls):
        if cls.host is None:
            _, cluster = cls.data_center()
            hosts = cls.system.hosts_service()
            host = hosts.add(
                types.Host(name="conf_node1", address="conf-node1.lab", root_password="secret", cluster=types.Cluster(id=cluster.id))
            )
            cls.host = wait_for("host conf_node1 up", hosts.host_service(host.id).get, status_is(types.HostStatus.UP))
        return cls.host

    @classmethod
    def vm_network(cls):
        """The lab's VM network (in the data center and its cluster) and its vNIC profile."""
        if cls.profile is None:
            dc, cluster = cls.data_center()
            networks = cls.system.networks_service()
            found = [n for n in networks.list(search="name=conf_vmnet") if n.data_center.id == dc.id]
            net = found[0] if found else networks.add(
                types.Network(name="conf_vmnet", data_center=types.DataCenter(id=dc.id))
            )
            in_cluster = cls.system.clusters_service().cluster_service(cluster.id).networks_service()
            if net.id not in [n.id for n in in_cluster.list()]:
                in_cluster.add(types.Network(id=net.id, required=False))
            profiles = networks.network_service(net.id).vnic_profiles_service()
            found = [p for p in profiles.list() if p.name == "conf_vmnet_profile"]
            cls.network = net
            cls.profile = found[0] if found else cls.system.vnic_profiles_service().add(
                types.VnicProfile(name="conf_vmnet_profile", network=types.Network(id=net.id))
            )
        return cls.network, cls.profile

    @classmethod
    def active_storage(cls):
        if cls.storage is None:
            dc, _ = cls.data_center()
            host = cls.up_host()
            sd = cls.system.storage_domains_service().add(
                types.StorageDomain(
                    name="conf_data",
                    type=types.StorageDomainType.DATA,
                    host=types.Host(name=host.name),
                    storage=types.HostStorage(type=types.StorageType.GLUSTERFS, path="gs1.lab:/conf_data", vfs_type="glusterfs"),
                )
            )
            attached = cls.system.data_centers_service().data_center_service(dc.id).storage_domains_service()
            attached.add(types.StorageDomain(id=sd.id))
            wait_for("domain conf_data active", attached.storage_domain_service(sd.id).get, status_is(types.StorageDomainStatus.ACTIVE))
            cls.storage = sd
        return cls.storage


class AreaCase(unittest.TestCase):
    """A test case for one API area: not covered when the engine does not have the area."""

    AREAS = ()

    @classmethod
    def setUpClass(cls):
        missing = [a for a in cls.AREAS if not served(a)]
        if missing:
            raise unittest.SkipTest("NOT COVERED: simulator/api/%s/ does not exist" % ", simulator/api/".join(missing))

    def assertFault(self, err, cls, code, detail):
        self.assertIs(type(err), cls)
        self.assertEqual(err.code, code)
        self.assertEqual(err.fault.reason, "Operation Failed")
        self.assertEqual(err.fault.detail, detail)
        self.assertEqual(
            str(err),
            'Fault reason is "Operation Failed". Fault detail is "%s". HTTP response code is %d.' % (detail, code),
        )


class T1Session(AreaCase):
    AREAS = ("root",)

    def test_1_login_and_api_root(self):
        conn = connect()
        try:
            conn.authenticate()
            self.assertTrue(conn.test(raise_exception=True))
            api = conn.system_service().get()
            self.assertEqual(api.product_info.name, "oVirt Engine")
            self.assertEqual(api.product_info.version.major, 4)
            self.assertEqual(api.product_info.version.minor, 4)
            self.assertEqual(api.product_info.version.full_version, "4.4.10.7-1.el8")
            self.assertEqual((api.product_info.version.build, api.product_info.version.revision), (10, 7))
            self.assertIsNotNone(api.special_objects.blank_template)
            self.assertEqual(api.special_objects.blank_template.id, "00000000-0000-0000-0000-000000000000")
        finally:
            conn.close()

    def test_2_logout_revokes_the_token(self):
        conn = connect()
        token = conn.authenticate()
        conn.close(logout=True)
        stale = sdk.Connection(url=os.environ["OVIRT_URL"], token=token, ca_file=os.environ["OVIRT_CA_FILE"])
        try:
            with self.assertRaises(sdk.AuthError):
                stale.system_service().get()
        finally:
            stale.close(logout=False)

    def test_3_bad_password_is_an_auth_error(self):
        bad = sdk.Connection(
            url=os.environ["OVIRT_URL"], username="admin@internal", password="wrong", ca_file=os.environ["OVIRT_CA_FILE"]
        )
        try:
            with self.assertRaises(sdk.AuthError) as caught:
                bad.authenticate()
            self.assertIn("access_denied", str(caught.exception))
        finally:
            bad.close(logout=False)


class T2DataCenters(AreaCase):
    AREAS = ("datacenters",)

    def test_1_crud_search_and_faults(self):
        dcs = Lab.open().data_centers_service()
        names = [dc.name for dc in dcs.list()]
        self.assertIn("Default", names)
        dc = dcs.add(types.DataCenter(name="conf_dc_crud", description="first", local=False, version=types.Version(major=4, minor=4)))
        self.assertEqual(dc.status, types.DataCenterStatus.UNINITIALIZED)
        self.assertEqual((dc.version.major, dc.version.minor), (4, 4))
        service = dcs.data_center_service(dc.id)
        self.assertEqual(service.get().name, "conf_dc_crud")
        self.assertEqual([d.id for d in dcs.list(search="name=conf_dc_crud")], [dc.id])
        self.assertEqual([d.id for d in dcs.list(search="name=conf_dc_cr*")], [dc.id])
        updated = service.update(types.DataCenter(description="second"))
        self.assertEqual(updated.description, "second")
        with self.assertRaises(sdk.Error) as caught:
            dcs.add(types.DataCenter(name="conf_dc_crud", local=False))
        self.assertFault(caught.exception, sdk.Error, 409, "[Cannot create Data Center. The Data Center name is already in use.]")
        service.remove()
        with self.assertRaises(sdk.NotFoundError):
            service.get()
        self.assertEqual(dcs.list(search="name=conf_dc_crud"), [])

    def test_2_missing_id_is_not_found(self):
        with self.assertRaises(sdk.NotFoundError) as caught:
            Lab.open().data_centers_service().data_center_service("6b2ef0e2-0000-4000-8000-00000000dead").get()
        self.assertEqual(caught.exception.code, 404)


class T3Clusters(AreaCase):
    AREAS = ("clusters",)

    def test_1_crud_search_follow_and_faults(self):
        system = Lab.open()
        dc, _ = Lab.data_center()
        clusters = system.clusters_service()
        cl = clusters.add(
            types.Cluster(name="conf_cl_crud", description="a", data_center=types.DataCenter(id=dc.id), cpu=types.Cpu(type=CPU))
        )
        self.assertEqual(cl.data_center.id, dc.id)
        self.assertEqual(cl.cpu.type, CPU)
        self.assertEqual([c.id for c in clusters.list(search="name=conf_cl_crud")], [cl.id])
        service = clusters.cluster_service(cl.id)
        # The SDK follows the cluster's link to its data center.
        self.assertEqual(Lab.conn.follow_link(service.get().data_center).name, "conf_lab")
        self.assertEqual(service.update(types.Cluster(description="b")).description, "b")
        with self.assertRaises(sdk.Error) as caught:
            clusters.add(types.Cluster(name="conf_cl_crud", data_center=types.DataCenter(id=dc.id), cpu=types.Cpu(type=CPU)))
        self.assertFault(caught.exception, sdk.Error, 409, "[Cannot create Cluster. Cluster name is already in use.]")
        # The same fault on a rename, under the edit action.
        other = clusters.add(types.Cluster(name="conf_cl_other", data_center=types.DataCenter(id=dc.id), cpu=types.Cpu(type=CPU)))
        with self.assertRaises(sdk.Error) as caught:
            clusters.cluster_service(other.id).update(types.Cluster(name="conf_cl_crud"))
        self.assertFault(caught.exception, sdk.Error, 409, "[Cannot edit Cluster. Cluster name is already in use.]")
        self.assertEqual(
            sorted(c.name for c in system.data_centers_service().data_center_service(dc.id).clusters_service().list()),
            ["conf_cl_crud", "conf_cl_other", "conf_cluster"],
        )
        clusters.cluster_service(other.id).remove()
        service.remove()
        with self.assertRaises(sdk.NotFoundError):
            service.get()

    def test_2_follow_parameter(self):
        """`follow=data_center` inlines the data center; on a list, `networks` inlines a sub-collection."""
        _, cluster = Lab.data_center()
        got = Lab.system.clusters_service().cluster_service(cluster.id).get(follow="data_center")
        self.assertEqual(got.data_center.name, "conf_lab", "follow=data_center did not inline the data center")
        self.assertEqual(got.data_center.version.minor, 4)
        listed = Lab.system.clusters_service().list(search="name=conf_cluster", follow="data_center,networks")
        self.assertEqual([c.data_center.name for c in listed], ["conf_lab"])
        self.assertIn("ovirtmgmt", [n.name for n in listed[0].networks])


class T4Hosts(AreaCase):
    AREAS = ("hosts",)

    def test_1_add_and_wait_up(self):
        host = Lab.up_host()
        self.assertEqual(host.status, types.HostStatus.UP)
        self.assertEqual(host.address, "conf-node1.lab")
        self.assertEqual(host.cluster.id, Lab.cluster.id)
        self.assertEqual([h.id for h in Lab.system.hosts_service().list(search="name=conf_node1")], [host.id])


class T5Storage(AreaCase):
    AREAS = ("hosts", "storagedomains")

    def test_1_glusterfs_domain_attach_activate(self):
        sd = Lab.active_storage()
        top = Lab.system.storage_domains_service().storage_domain_service(sd.id).get()
        self.assertEqual(top.storage.type, types.StorageType.GLUSTERFS)
        self.assertEqual(top.storage.path, "gs1.lab:/conf_data")
        # Attached domains have no top-level status; the per-DC one is active.
        self.assertIsNone(top.status)
        self.assertEqual([d.id for d in top.data_centers], [Lab.dc.id])
        dc = Lab.system.data_centers_service().data_center_service(Lab.dc.id)
        wait_for("data center up", dc.get, status_is(types.DataCenterStatus.UP))


def add_bricks(service, bricks, **query):
    """GlusterBricksService.add as the SDK does it (its _internal_add), except for the body: ovirtsdk4
    4.6.3 cannot write a list without a root element ("The 'root' parameter is mandatory when writing
    lists"), so the SDK's own Writer is given root="bricks"."""
    request = sdk.http.Request(method="POST", path=service._path, query={k: str(v) for k, v in query.items()})
    request.body = sdk.writer.Writer.write(bricks, root="bricks", indent=True)
    response = service._connection.wait(service._connection.send(request))
    if response.code not in (200, 201, 202):
        service._check_fault(response)
    return service._internal_read_body(response)


class T5bGluster(AreaCase):
    AREAS = ("hosts", "glustervolumes")

    def test_1_volume_bricks_add_remove(self):
        host = Lab.up_host()
        volumes = Lab.system.clusters_service().cluster_service(Lab.cluster.id).gluster_volumes_service()
        volume = volumes.add(
            types.GlusterVolume(
                name="conf_gvol",
                volume_type=types.GlusterVolumeType.DISTRIBUTE,
                bricks=[types.GlusterBrick(server_id=host.id, brick_dir="/gluster_bricks/conf_gvol1")],
            )
        )
        service = volumes.volume_service(volume.id)
        service.start()
        self.assertEqual(service.get().status, types.GlusterVolumeStatus.UP)
        bricks = service.gluster_bricks_service()
        added = add_bricks(bricks, [types.GlusterBrick(server_id=host.id, brick_dir="/gluster_bricks/conf_gvol2")])
        self.assertEqual([b.brick_dir for b in added], ["/gluster_bricks/conf_gvol2"])
        self.assertEqual([b.status for b in added], [types.GlusterBrickStatus.UP])
        # The engine's <bricks> starts with <actions> (samples/gluster_bricks.xml, captured); the SDK reads
        # that element as one more, empty brick (the go-ovirt issue #121 the sample comes from).
        listed = [b for b in bricks.list() if b.name is not None]
        self.assertEqual(
            [b.name for b in listed],
            ["conf-node1.lab:/gluster_bricks/conf_gvol1", "conf-node1.lab:/gluster_bricks/conf_gvol2"],
        )
        with self.assertRaises(sdk.Error) as caught:
            add_bricks(bricks, [types.GlusterBrick(server_id=host.id, brick_dir="/gluster_bricks/conf_gvol2")])
        self.assertFault(
            caught.exception,
            sdk.Error,
            409,
            "[Cannot add Brick(s). Brick conf-node1.lab:/gluster_bricks/conf_gvol2 is already used by the volume conf_gvol.]",
        )
        bricks.brick_service(added[0].id).remove()
        self.assertEqual([b.brick_dir for b in bricks.list() if b.name is not None], ["/gluster_bricks/conf_gvol1"])
        service.stop()
        service.remove()
        self.assertEqual([v.name for v in volumes.list()], [])


class T6Networks(AreaCase):
    AREAS = ("networks", "vnicprofiles")

    def test_1_network_cluster_attachment_and_vnic_profile(self):
        dc, cluster = Lab.data_center()
        net, profile = Lab.vm_network()
        self.assertEqual(net.data_center.id, dc.id)
        in_cluster = Lab.system.clusters_service().cluster_service(cluster.id).networks_service().list()
        self.assertIn("conf_vmnet", [n.name for n in in_cluster])
        self.assertEqual(profile.network.id, net.id)
        listed = Lab.system.networks_service().network_service(net.id).vnic_profiles_service().list()
        self.assertIn(profile.id, [p.id for p in listed])
        with self.assertRaises(sdk.Error) as caught:
            Lab.system.networks_service().add(types.Network(name="conf_vmnet", data_center=types.DataCenter(id=dc.id)))
        self.assertEqual(caught.exception.code, 409)
        self.assertIn("The name of the logical network 'conf_vmnet' is already used", caught.exception.fault.detail)

    def test_2_vlan_id_round_trips(self):
        dc, _ = Lab.data_center()
        net = Lab.system.networks_service().add(
            types.Network(name="conf_vlan20", data_center=types.DataCenter(id=dc.id), vlan=types.Vlan(id=20))
        )
        Lab.extra_networks.append(net.id)
        got = Lab.system.networks_service().network_service(net.id).get()
        for seen in (net, got):
            self.assertEqual(seen.vlan.id, 20)
            self.assertEqual(seen.data_center.id, dc.id)


class T7Vms(AreaCase):
    AREAS = ("hosts", "storagedomains", "networks", "vnicprofiles", "vms", "disks")

    def test_1_vm_with_disk_and_nic_start_stop(self):
        sd = Lab.active_storage()
        Lab.vm_network()
        vms = Lab.system.vms_service()
        vm = vms.add(
            types.Vm(name="conf_vm1", cluster=types.Cluster(id=Lab.cluster.id), template=types.Template(name="Blank"), memory=1 << 30)
        )
        service = vms.vm_service(vm.id)
        wait_for("vm down", service.get, status_is(types.VmStatus.DOWN))
        attachment = service.disk_attachments_service().add(
            types.DiskAttachment(
                disk=types.Disk(
                    name="conf_vm1_disk",
                    format=types.DiskFormat.COW,
                    provisioned_size=1 << 30,
                    storage_domains=[types.StorageDomain(id=sd.id)],
                ),
                interface=types.DiskInterface.VIRTIO_SCSI,
                bootable=True,
                active=True,
            )
        )
        disk = Lab.system.disks_service().disk_service(attachment.disk.id)
        wait_for("disk ok", disk.get, status_is(types.DiskStatus.OK))
        nic = service.nics_service().add(types.Nic(name="nic1", vnic_profile=types.VnicProfile(id=Lab.profile.id)))
        self.assertEqual(nic.vnic_profile.id, Lab.profile.id)
        self.assertEqual([n.name for n in service.nics_service().list()], ["nic1"])
        service.start()
        up = wait_for("vm up", service.get, status_is(types.VmStatus.UP))
        self.assertEqual(up.host.id, Lab.host.id)
        ticket = service.ticket(ticket=types.Ticket(expiry=300))
        self.assertEqual(ticket.expiry, 300)
        self.assertEqual(len(ticket.value), 8)
        service.stop()
        wait_for("vm down", service.get, status_is(types.VmStatus.DOWN))


class T7bIsoUpload(AreaCase):
    """The SDK's upload example flow (upload_disk.py): an ISO disk on a data domain, an image
    transfer, the bytes by plain HTTPS PUT with Content-Range to transfer_url (as the example does
    with http.client; the SDK has no data-plane API), finalize, then a download transfer to read
    them back."""

    AREAS = ("hosts", "storagedomains", "disks", "imagetransfers")

    def _transfer(self, disk_id, direction):
        transfers = Lab.system.image_transfers_service()
        t = transfers.add(types.ImageTransfer(disk=types.Disk(id=disk_id), direction=direction))
        service = transfers.image_transfer_service(t.id)
        t = wait_for("transfer transferring", service.get, lambda x: x.phase == types.ImageTransferPhase.TRANSFERRING)
        return service, t

    def _finalize(self, service, disk_service):
        service.finalize()

        def finished():
            try:
                return service.get().phase
            except sdk.NotFoundError:
                return types.ImageTransferPhase.FINISHED_SUCCESS

        phase = wait_for("transfer finished", finished, lambda p: p in (types.ImageTransferPhase.FINISHED_SUCCESS, types.ImageTransferPhase.FINISHED_FAILURE))
        self.assertEqual(phase, types.ImageTransferPhase.FINISHED_SUCCESS)
        wait_for("disk ok", disk_service.get, status_is(types.DiskStatus.OK))

    def _connection(self, url):
        import http.client
        import ssl
        from urllib.parse import urlparse

        u = urlparse(url)
        ctx = ssl.create_default_context(cafile=os.environ["OVIRT_CA_FILE"])
        return http.client.HTTPSConnection(u.hostname, u.port, context=ctx), u.path

    def test_1_upload_iso_by_http_put_and_download(self):
        sd = Lab.active_storage()
        data = os.urandom(3 << 20) + bytes(1 << 20)
        disks = Lab.system.disks_service()
        disk = disks.add(
            types.Disk(
                name="conf_upload.iso",
                content_type=types.DiskContentType.ISO,
                format=types.DiskFormat.RAW,
                provisioned_size=len(data),
                storage_domains=[types.StorageDomain(id=sd.id)],
            )
        )
        disk_service = disks.disk_service(disk.id)
        wait_for("disk ok", disk_service.get, status_is(types.DiskStatus.OK))
        service, t = self._transfer(disk.id, types.ImageTransferDirection.UPLOAD)
        self.assertEqual(wait_for("disk locked", disk_service.get, status_is(types.DiskStatus.LOCKED)).status, types.DiskStatus.LOCKED)
        conn, path = self._connection(t.transfer_url)
        conn.request("OPTIONS", path)
        options = conn.getresponse()
        self.assertEqual(options.status, 200)
        self.assertIn("zero", json.loads(options.read())["features"])
        chunk = 1 << 20
        for pos in range(0, len(data), chunk):
            piece = data[pos:pos + chunk]
            conn.request("PUT", path, body=piece, headers={"Content-Range": "bytes %d-%d/%d" % (pos, pos + len(piece) - 1, len(data)), "Content-Length": str(len(piece))})
            res = conn.getresponse()
            res.read()
            self.assertEqual(res.status, 200)
        conn.close()
        self._finalize(service, disk_service)
        self.assertEqual(disk_service.get().content_type, types.DiskContentType.ISO)

        service, t = self._transfer(disk.id, types.ImageTransferDirection.DOWNLOAD)
        conn, path = self._connection(t.transfer_url)
        conn.request("GET", path)
        res = conn.getresponse()
        body = res.read()
        conn.close()
        self.assertEqual(res.status, 200)
        self.assertEqual(body, data)
        self._finalize(service, disk_service)
        disk_service.remove()


class T7cLiveMigration(AreaCase):
    """VmService.migrate with and without a host, and a host's maintenance taking its VMs away."""

    AREAS = ("hosts", "vms")

    def test_1_migrate_and_maintenance(self):
        host1 = Lab.up_host()
        hosts = Lab.system.hosts_service()
        node2 = hosts.add(
            types.Host(name="conf_node2", address="conf-node2.lab", root_password="secret", cluster=types.Cluster(id=Lab.cluster.id))
        )
        node2_service = hosts.host_service(node2.id)
        wait_for("host conf_node2 up", node2_service.get, status_is(types.HostStatus.UP))
        vm = Lab.system.vms_service().list(search="name=conf_vm1")[0]
        service = Lab.system.vms_service().vm_service(vm.id)
        service.start()
        up = wait_for("vm up", service.get, status_is(types.VmStatus.UP))
        source = up.host.id
        try:
            service.migrate()
        except sdk.NotFoundError:
            raise not_served("POST /vms/{id}/migrate")
        moved = wait_for("vm migrated", service.get, lambda v: v.status == types.VmStatus.UP and v.host.id != source)
        self.assertIn(moved.host.id, (host1.id, node2.id))
        service.migrate(host=types.Host(id=source))
        wait_for("vm back", service.get, lambda v: v.status == types.VmStatus.UP and v.host.id == source)
        # On node2, its maintenance sends the VM back to node1 first.
        service.migrate(host=types.Host(name="conf_node2"))
        wait_for("vm on node2", service.get, lambda v: v.status == types.VmStatus.UP and v.host.id == node2.id)
        node2_service.deactivate()
        wait_for("node2 maintenance", node2_service.get, status_is(types.HostStatus.MAINTENANCE))
        self.assertEqual(service.get().host.id, host1.id)
        with self.assertRaises(sdk.Error) as caught:
            service.migrate()
        self.assertFault(
            caught.exception,
            sdk.Error,
            400,
            "[There are no hosts to use. Check that the cluster contains at least one host in Up state.]",
        )
        node2_service.remove()
        wait_for("node2 removed", gone(node2_service), lambda x: x is None)
        service.stop()
        wait_for("vm down", service.get, status_is(types.VmStatus.DOWN))


class T8Migration(AreaCase):
    """A data domain with a VM leaves the 4.3 engine and its VM is registered on the 4.4 engine."""

    AREAS = ("hosts", "storagedomains", "vms", "disks")

    def test_1_detach_from_43_register_on_44(self):
        old = connect("OVIRT43")
        try:
            s = old.system_service()
            self.assertEqual(s.get().product_info.version.full_version, "4.3.10.4-1.el7")
            dc = s.data_centers_service().add(types.DataCenter(name="legacy", local=False, version=types.Version(major=4, minor=3)))
            cl = s.clusters_service().add(
                types.Cluster(name="legacy_cl", data_center=types.DataCenter(id=dc.id), cpu=types.Cpu(type="Intel Nehalem Family"))
            )
            hosts = s.hosts_service()
            host = hosts.add(types.Host(name="legacy_node", address="legacy-node.lab", root_password="secret", cluster=types.Cluster(id=cl.id)))
            wait_for("4.3 host up", hosts.host_service(host.id).get, status_is(types.HostStatus.UP))
            storage = types.HostStorage(type=types.StorageType.GLUSTERFS, path="gs2.lab:/move", vfs_type="glusterfs")
            sd = s.storage_domains_service().add(
                types.StorageDomain(name="move_data", type=types.StorageDomainType.DATA, host=types.Host(name="legacy_node"), storage=storage)
            )
            attached = s.data_centers_service().data_center_service(dc.id).storage_domains_service()
            attached.add(types.StorageDomain(id=sd.id))
            in_dc = attached.storage_domain_service(sd.id)
            wait_for("4.3 domain active", in_dc.get, status_is(types.StorageDomainStatus.ACTIVE))
            vm = s.vms_service().add(types.Vm(name="moving_vm", cluster=types.Cluster(id=cl.id), template=types.Template(name="Blank")))
            vm_service = s.vms_service().vm_service(vm.id)
            wait_for("4.3 vm down", vm_service.get, status_is(types.VmStatus.DOWN))
            att = vm_service.disk_attachments_service().add(
                types.DiskAttachment(
                    disk=types.Disk(name="moving_disk", format=types.DiskFormat.COW, provisioned_size=1 << 30, storage_domains=[types.StorageDomain(id=sd.id)]),
                    interface=types.DiskInterface.VIRTIO_SCSI,
                    bootable=True,
                    active=True,
                )
            )
            wait_for("4.3 disk ok", s.disks_service().disk_service(att.disk.id).get, status_is(types.DiskStatus.OK))
            # A template of the VM, its disk copied onto the same domain.
            tpl = s.templates_service().add(types.Template(name="moving_tpl", vm=types.Vm(id=vm.id)))
            wait_for("4.3 template ok", s.templates_service().template_service(tpl.id).get, status_is(types.TemplateStatus.OK))
            wait_for("4.3 vm down again", vm_service.get, status_is(types.VmStatus.DOWN))
            # Leave the 4.3 engine: maintenance, detach, remove without format.
            in_dc.deactivate()
            wait_for("4.3 domain maintenance", in_dc.get, status_is(types.StorageDomainStatus.MAINTENANCE))
            in_dc.remove()
            wait_for("4.3 domain detached", gone(in_dc), lambda x: x is None)
            s.storage_domains_service().storage_domain_service(sd.id).remove(host="legacy_node", format=False)
        finally:
            old.close()

        new = Lab.open()
        dc44, cl44 = Lab.data_center()
        host44 = Lab.up_host()
        imported = new.storage_domains_service().add(
            types.StorageDomain(name="move_data", type=types.StorageDomainType.DATA, import_=True, host=types.Host(name=host44.name), storage=storage)
        )
        self.assertEqual(imported.id, sd.id)
        attached44 = new.data_centers_service().data_center_service(dc44.id).storage_domains_service()
        attached44.add(types.StorageDomain(id=sd.id))
        wait_for("4.4 domain active", attached44.storage_domain_service(sd.id).get, status_is(types.StorageDomainStatus.ACTIVE))
        unregistered = new.storage_domains_service().storage_domain_service(sd.id).vms_service()
        try:
            listed = unregistered.list(unregistered=True)
        except sdk.NotFoundError:
            raise not_served("GET /storagedomains/{id}/vms?unregistered=true")
        self.assertEqual([v.name for v in listed], ["moving_vm"])
        unregistered.vm_service(vm.id).register(cluster=types.Cluster(id=cl44.id))
        registered = wait_for("registered vm", gone(new.vms_service().vm_service(vm.id)), lambda v: v is not None)
        self.assertEqual(registered.name, "moving_vm")
        self.assertEqual(registered.cluster.id, cl44.id)
        Lab.moved_vm = registered
        # The template comes along the same way (ImportVmTemplateFromConfiguration).
        templates = new.storage_domains_service().storage_domain_service(sd.id).templates_service()
        self.assertEqual([t.name for t in templates.list(unregistered=True)], ["moving_tpl"])
        templates.template_service(tpl.id).register(cluster=types.Cluster(id=cl44.id))
        moved_tpl = new.templates_service().template_service(tpl.id).get()
        self.assertEqual((moved_tpl.name, moved_tpl.status, moved_tpl.cluster.id), ("moving_tpl", types.TemplateStatus.OK, cl44.id))
        self.assertEqual(templates.list(unregistered=True), [])
        new.templates_service().template_service(tpl.id).remove()


class T8bInjectedFaults(AreaCase):
    """The engine's fault injection (--faults locked=1) looks to the SDK like a real engine's lock."""

    AREAS = ("datacenters",)

    def test_1_locked_write_is_the_engines_conflict(self):
        conn = connect("OVIRTF")
        try:
            dcs = conn.system_service().data_centers_service()
            self.assertIn("Default", [d.name for d in dcs.list()])  # reads are never locked
            with self.assertRaises(sdk.Error) as caught:
                dcs.add(types.DataCenter(name="conf_locked", local=False))
            self.assertFault(
                caught.exception,
                sdk.Error,
                409,
                "[Cannot create Data Center. Related operation is currently in progress. Please try again later.]",
            )
            default = dcs.list(search="name=Default")[0]
            with self.assertRaises(sdk.Error) as caught:
                dcs.data_center_service(default.id).update(types.DataCenter(description="x"))
            self.assertFault(
                caught.exception,
                sdk.Error,
                409,
                "[Cannot edit Data Center. Related operation is currently in progress. Please try again later.]",
            )
            self.assertEqual(dcs.list(search="name=conf_locked"), [])
        finally:
            conn.close()


class T9Teardown(AreaCase):
    """Everything made above is removed, in the order the engine requires."""

    AREAS = ("datacenters", "clusters")

    def test_1_remove_everything(self):
        s = Lab.open()
        for name in ("conf_vm1", "moving_vm"):
            for vm in s.vms_service().list(search="name=%s" % name):
                s.vms_service().vm_service(vm.id).remove()
                wait_for("vm %s removed" % name, gone(s.vms_service().vm_service(vm.id)), lambda x: x is None)
        if Lab.dc is not None and served("storagedomains"):
            attached = s.data_centers_service().data_center_service(Lab.dc.id).storage_domains_service()
            domains = attached.list()
            # The master goes last.
            for sd in sorted(domains, key=lambda d: bool(d.master)):
                one = attached.storage_domain_service(sd.id)
                if one.get().status != types.StorageDomainStatus.MAINTENANCE:
                    one.deactivate()
                    wait_for("domain %s maintenance" % sd.name, one.get, status_is(types.StorageDomainStatus.MAINTENANCE))
                if sd.master:
                    continue  # the master domain leaves with the data center (below)
                one.remove()
                wait_for("domain %s detached" % sd.name, gone(one), lambda x: x is None)
                s.storage_domains_service().storage_domain_service(sd.id).remove(host=Lab.host.name, format=True)
        for net_id in ([Lab.network.id] if Lab.network else []) + Lab.extra_networks:
            s.networks_service().network_service(net_id).remove()
        if Lab.dc is not None:
            dc = s.data_centers_service().data_center_service(Lab.dc.id)
            if Lab.host is not None:
                host = s.hosts_service().host_service(Lab.host.id)
                host.deactivate()
                wait_for("host maintenance", host.get, status_is(types.HostStatus.MAINTENANCE))
                if Lab.storage is not None:
                    # With its master domain in maintenance and its hosts too, the data center goes.
                    dc.remove(force=True)
                host.remove()
                wait_for("host removed", gone(host), lambda x: x is None)
            if Lab.storage is not None:
                for sd in s.storage_domains_service().list(search="name=conf_data"):
                    s.storage_domains_service().storage_domain_service(sd.id).remove(destroy=True)
            s.clusters_service().cluster_service(Lab.cluster.id).remove()
            try:
                dc.remove()
            except sdk.NotFoundError:
                pass  # removed with force above
        for coll, name in (("data_centers_service", "conf_lab"), ("clusters_service", "conf_cluster")):
            self.assertEqual(getattr(s, coll)().list(search="name=%s" % name), [])
        if served("hosts"):
            self.assertEqual(s.hosts_service().list(search="name=conf_node1"), [])
        if served("storagedomains"):
            self.assertEqual([d.name for d in s.storage_domains_service().list()], [])
        if served("vms"):
            self.assertEqual([v.name for v in s.vms_service().list()], [])
        Lab.conn.close(logout=True)


# --- running -------------------------------------------------------------------------------------


def all_tests():
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromModule(sys.modules[__name__])
    out = []

    def walk(s):
        for t in s:
            if isinstance(t, unittest.TestSuite):
                walk(t)
            else:
                out.append(t)

    walk(suite)
    return out


def test_name(test):
    return "%s.%s" % (type(test).__name__, test._testMethodName)


def listing():
    return [
        {
            "id": test_name(t),
            "areas": list(type(t).AREAS),
            "covered": all(served(a) for a in type(t).AREAS),
            "known_defect": KNOWN_DEFECTS.get(test_name(t)),
        }
        for t in all_tests()
    ]


def mark_known_defects():
    for test_id in KNOWN_DEFECTS:
        cls_name, method = test_id.split(".")
        cls = globals()[cls_name]
        setattr(cls, method, unittest.expectedFailure(getattr(cls, method)))


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {}
        self.started = {}

    def startTest(self, test):
        self.started[test_name(test)] = time.time()
        super().startTest(test)

    def _put(self, test, status, message=""):
        name = test_name(test) if isinstance(test, unittest.TestCase) else str(test)
        ms = int((time.time() - self.started.get(name, time.time())) * 1000)
        self.records[name] = {"id": name, "status": status, "message": message, "ms": ms}

    def addSuccess(self, test):
        super().addSuccess(test)
        self._put(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._put(test, "failed", "".join(traceback.format_exception(*err)))

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase):
            self._put(test, "failed", "".join(traceback.format_exception(*err)))
        else:
            # setUpClass failed: every test of that class failed with it.
            for t in all_tests():
                if str(test).endswith("(%s.%s)" % (type(t).__module__, type(t).__name__)) or type(t).__name__ in str(test):
                    self._put(t, "failed", "".join(traceback.format_exception(*err)))

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._put(test, "known_defect", "".join(traceback.format_exception(*err)))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._put(test, "failed", "known defect no longer reproduces: remove it from KNOWN_DEFECTS")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if isinstance(test, unittest.TestCase):
            self._put(test, "not_covered", reason)


def main():
    if "--list" in sys.argv:
        print(json.dumps(listing()))
        return 0
    for t in listing():
        if not t["covered"]:
            print("*** NOT COVERED: %s (areas %s not in simulator/api/)" % (t["id"], ", ".join(t["areas"])), file=sys.stderr)
    mark_known_defects()
    suite = unittest.TestSuite(all_tests())
    runner = unittest.TextTestRunner(verbosity=2, resultclass=Recorder, stream=sys.stderr)
    result = runner.run(suite)
    records = result.records
    # Class-level skips (not covered) arrive once per class: expand them to each of its tests.
    for t in all_tests():
        name = test_name(t)
        if name not in records:
            records[name] = {"id": name, "status": "not_covered", "message": "NOT COVERED", "ms": 0}
    path = os.environ.get("CONFORMANCE_RESULTS")
    if path:
        with open(path, "w") as f:
            json.dump(list(records.values()), f, indent=1)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
