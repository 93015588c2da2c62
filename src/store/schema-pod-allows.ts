/**
 * Migration: the allow rules of a Kubernetes pod's CNI attachment (a record of kind `cni`
 * whose CNI_ARGS name K8S_POD_NAME; its name is NAMESPACE.POD) outlive the record. kubelet
 * makes a pod a new sandbox (new container id, same namespace and name) after a node reboot
 * or when the old one dies: the runtime's DEL of the old one must not take with it the
 * `netctl allow` the operator gave the pod. They go with `netctl deny NAMESPACE.POD`. Every
 * other removed container still takes its allow rules with it, Podman's included.
 */
export const SCHEMA_POD_ALLOWS = `
DROP TRIGGER containers_release;
CREATE TRIGGER containers_release AFTER DELETE ON containers BEGIN
  DELETE FROM ip_allocations WHERE owner = old.id;
  DELETE FROM allow_rules WHERE container_name = old.name AND NOT (
    json_valid(old.config)
    AND json_extract(old.config, '$.kind') = 'cni'
    AND json_extract(old.config, '$.runtime') IS NULL
    AND json_extract(old.config, '$.cni.args.K8S_POD_NAME') IS NOT NULL
  );
END;
`;
