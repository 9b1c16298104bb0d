#!/bin/busybox sh
# The `mmreg` command in the QEMU guest (issue 15), after the pci-edu self
# test: the HPET read and dumped by name from svd/hpet.yaml through /dev/mem,
# edu's registers written by field name with read-back through its PCI
# resource file (--pci) and its UIO map (--uio), and `mmreg doctor`
# explaining the RAM and driver-claimed refusals. Prints `ok <check>: ...` or
# `FAIL <check>: ...` per check and a closing `N passed, M failed` line, as
# the guest program does; exits 1 if any check failed.
passed=0
failed=0
export XDG_CACHE_HOME=/tmp/cache

# check NAME EXPECTED COMMAND...: runs COMMAND; passes when it exits 0 and
# its output contains EXPECTED.
check() {
    name=$1
    expected=$2
    shift 2
    output=$("$@" 2>&1)
    status=$?
    if [ $status -eq 0 ] && echo "$output" | grep -qF -- "$expected"; then
        echo "ok cli: $name: $(echo "$output" | grep -F -- "$expected" | head -n 1)"
        passed=$((passed + 1))
    else
        echo "FAIL cli: $name: exit $status, expected \`$expected\` in:"
        echo "$output" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

# check_fails NAME CODE EXPECTED COMMAND...: passes when COMMAND exits with
# CODE and its output contains EXPECTED.
check_fails() {
    name=$1
    code=$2
    expected=$3
    shift 3
    output=$("$@" 2>&1)
    status=$?
    if [ $status -eq "$code" ] && echo "$output" | grep -qF -- "$expected"; then
        echo "ok cli: $name: $(echo "$output" | grep -F -- "$expected" | head -n 1)"
        passed=$((passed + 1))
    else
        echo "FAIL cli: $name: exit $status (expected $code), expected \`$expected\` in:"
        echo "$output" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

HPET=/svd/hpet.yaml
EDU=/svd/qemu-edu.yaml

check "hpet read by name" "VENDOR_ID" mmreg read -d $HPET --read-only HPET.GCAP_ID
check "hpet vendor is Intel" "0x8086" mmreg read -d $HPET --read-only HPET.GCAP_ID.VENDOR_ID
check "hpet dump" "HPET.MAIN_CNT" mmreg dump -d $HPET --read-only HPET
check "hpet counter runs" "HPET.MAIN_CNT 0x" mmreg watch -d $HPET --read-only HPET.MAIN_CNT --count 2 --interval 20

# The edu device, whichever driver holds it now.
edu=""
for device in /sys/bus/pci/devices/*; do
    if [ "$(cat $device/vendor)" = "0x1234" ] && [ "$(cat $device/device)" = "0x11e8" ]; then
        edu=$(basename $device)
    fi
done
check "edu id through --pci" "0x010000ed" mmreg read -d $EDU --pci "$edu" EDU.ID
check "edu field write with read-back (--pci)" "INTERRUPT_ON_FACTORIAL  [7]  1" \
    mmreg write -d $EDU --pci "$edu:0" EDU.STATUS interrupt_on_factorial=1 --readback
check "edu field cleared again (--pci)" "INTERRUPT_ON_FACTORIAL  [7]  0" \
    mmreg write -d $EDU --pci "$edu" EDU.STATUS INTERRUPT_ON_FACTORIAL=0 --readback
check "edu liveness inverts (--pci, -v)" "EDU.LIVENESS -> 0xedcba987" \
    mmreg write -d $EDU --pci "$edu" -v EDU.LIVENESS 0x12345678 --readback
check_fails "edu read-only register refused" 5 "EDU.ID: the register is read-only" \
    mmreg write -d $EDU --pci "$edu" EDU.ID 0

# UIO: bind edu to uio_pci_generic unless it is bound already.
if [ ! -e /sys/bus/pci/devices/$edu/driver ] || [ "$(basename $(readlink /sys/bus/pci/devices/$edu/driver))" != "uio_pci_generic" ]; then
    [ -e /sys/bus/pci/devices/$edu/driver ] && echo "$edu" > /sys/bus/pci/devices/$edu/driver/unbind
    echo "1234 11e8" > /sys/bus/pci/drivers/uio_pci_generic/new_id 2>/dev/null || echo "$edu" > /sys/bus/pci/drivers/uio_pci_generic/bind
fi
uio=""
for node in /sys/class/uio/uio*; do
    if [ "$(readlink -f $node/device)" = "$(readlink -f /sys/bus/pci/devices/$edu)" ]; then
        uio=$(basename $node | sed 's/^uio//')
    fi
done
check "edu field write with read-back (--uio)" "INTERRUPT_ON_FACTORIAL  [7]  1" \
    mmreg write -d $EDU --uio "$uio" EDU.STATUS interrupt_on_factorial=1 --readback
check "edu factorial (--uio)" "EDU.FACTORIAL" mmreg write -d $EDU --uio "$uio:0" EDU.FACTORIAL 5 --readback
check "edu dump (--uio)" "EDU.DMA_COMMAND" mmreg dump -d $EDU --uio "$uio" EDU
check "doctor lists the uio map" "uio$uio map0: address" mmreg doctor --uio "$uio"

# doctor explains the refusals the kernel makes.
check_fails "doctor: RAM is refused" 1 "it is RAM" mmreg doctor 0x1000000
check "doctor: a driver-claimed range" "claimed by \`Local APIC\`" mmreg doctor 0xfee00000
check_fails "mmreg read of RAM names the refusal" 1 "CONFIG_STRICT_DEVMEM" \
    mmreg read -d $HPET --base 0x1000000 HPET.GCAP_ID

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
